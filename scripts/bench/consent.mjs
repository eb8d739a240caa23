// Consent and policy benchmarks (called from scripts/bench.mjs main() with a started app).
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * - GET /v1/me/preferences carrying Sec-GPC: 1 (auth + GPC interceptor's ledger check + state), 32 concurrent;
 * - ConsentService.allows(user, 'analytics') against users with 40 ledger entries each, 32 concurrent;
 * - queuing a notice campaign to 2,000 active accounts in batches of POLICY_CAMPAIGN_BATCH_SIZE (outbox rows/s).
 */
export async function benchConsent({ app, base, dist, record, load, concurrently }) {
  const { UsersService } = require(path.join(dist, 'identity/users.service.js'));
  const { UserAuthService } = require(path.join(dist, 'identity/user-auth.service.js'));
  const { ConsentService } = require(path.join(dist, 'consent/consent.service.js'));
  const { NoticeCampaignsService } = require(path.join(dist, 'policy/notice-campaigns.service.js'));
  const { DataSource } = require('typeorm');
  const users = app.get(UsersService);
  const consent = app.get(ConsentService);
  const ds = app.get(DataSource);

  const ids = [];
  for (let i = 0; i < 100; i += 1) ids.push((await users.ensure(`consent-bench-${i}@example.test`, `Bench ${i}`, 'EU')).id);
  for (const id of ids) {
    for (let j = 0; j < 40; j += 1) await consent.record({ userId: id, purpose: j % 2 ? 'analytics' : 'marketing_emails', granted: j % 4 < 2, source: 'user', onlyIfChanged: false });
  }
  const { token } = await app.get(UserAuthService).createSession(ids[0]);
  await load(`${base}/v1/me/preferences`, () => ({ headers: { authorization: `Bearer ${token}`, 'sec-gpc': '1' } }), 200, 8); // warm-up
  const gpc = await load(`${base}/v1/me/preferences`, () => ({ headers: { authorization: `Bearer ${token}`, 'sec-gpc': '1' } }), 3000, 32);
  record('GET /v1/me/preferences with Sec-GPC: 1 (auth + GPC check + state), 32 concurrent', gpc.rps, 'req/s', `p50 ${gpc.p50} ms, p99 ${gpc.p99} ms, ${gpc.failures} failed of 3000`);

  const allows = await concurrently(20000, 32, (i) => consent.allows(ids[i % ids.length], 'analytics'));
  record("ConsentService.allows(user, 'analytics'), 40 entries per user, 32 concurrent", allows, 'calls/s', 'DISTINCT ON over the (user, purpose, time) index');

  for (let i = 100; i < 2000; i += 1) await users.ensure(`consent-bench-${i}@example.test`, `Bench ${i}`, 'EU');
  const campaigns = app.get(NoticeCampaignsService);
  const [notice] = await ds.query(`INSERT INTO notices (kind, title, body, starts_at, ends_at) VALUES ('policy_change', 'Bench notice', 'Bench', now(), now() + interval '1 day') RETURNING id`);
  const campaignId = await ds.transaction((m) => campaigns.create(notice.id, 'Bench notice', 'Bench notice text.', m));
  const [{ n: active }] = await ds.query(`SELECT count(*)::int AS n FROM users WHERE status = 'active'`);
  const t0 = performance.now();
  // The job queue may take some batches too (each batch schedules the next); the row lock keeps them apart.
  while ((await campaigns.runBatch(campaignId)) > 0);
  const seconds = (performance.now() - t0) / 1000;
  const [{ enqueued: queued }] = await ds.query(`SELECT enqueued FROM notice_campaigns WHERE id = $1`, [campaignId]);
  if (queued !== active) throw new Error(`campaign queued ${queued} of ${active} accounts`);
  record(`notice campaign: queuing ${queued} service-critical emails in batches`, Math.round(queued / seconds), 'emails/s', `${seconds.toFixed(1)} s in total; outbox insert + recipient row per account`);
}
