// Support desk benchmarks: opening tickets through /v1 (validation, SLA due times, first message and
// audit entry in one transaction), the console inbox page, and the report over the tickets opened.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

/**
 * @param {{ app: import('@nestjs/common').INestApplication, base: string, adminToken: string, dist: string,
 *   record: (name: string, value: number | string, unit: string, note?: string) => void,
 *   load: (url: string, init: () => RequestInit, total: number, concurrency: number) => Promise<{ rps: number, p50: string, p99: string, failures: number }> }} ctx
 */
export async function benchSupport({ app, base, adminToken, dist, record, load }) {
  const { UsersService } = require(path.join(dist, 'identity/users.service.js'));
  const { UserAuthService } = require(path.join(dist, 'identity/user-auth.service.js'));
  const user = await app.get(UsersService).ensure('bench.user@soar2.local', 'Bench user', 'EU');
  const { token } = await app.get(UserAuthService).createSession(user.id);

  let n = 0;
  const create = () => ({
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ subject: `Bench ticket ${(n += 1)}`, body: 'The video stopped at 40% and the credits were held.', category: n % 5 === 0 ? 'billing' : 'generation_problem' }),
  });
  const opened = await load(`${base}/v1/tickets`, create, 2000, 16);
  record('POST /v1/tickets (ticket + first message + audit), 16 concurrent', opened.rps, 'req/s', `p50 ${opened.p50} ms, p99 ${opened.p99} ms, ${opened.failures} failed of 2000`);

  const staff = () => ({ headers: { authorization: `Bearer ${adminToken}` } });
  const inbox = await load(`${base}/admin/tickets?range=[0,24]&filter=${encodeURIComponent(JSON.stringify({ status: ['new', 'open'] }))}`, staff, 2000, 32);
  record('GET /admin/tickets (inbox page of 25, SQL-filtered by role, 2,000 tickets), 32 concurrent', inbox.rps, 'req/s', `p50 ${inbox.p50} ms, p99 ${inbox.p99} ms, ${inbox.failures} failed of 2000`);

  const t0 = performance.now();
  const res = await fetch(`${base}/admin/tickets/report`, staff());
  await res.arrayBuffer();
  record('GET /admin/tickets/report over 2,000 tickets (median/p90 by category and agent)', Math.round(performance.now() - t0), 'ms', res.ok ? '' : `status ${res.status}`);
}
