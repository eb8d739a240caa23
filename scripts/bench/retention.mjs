// Retention sweep throughput: 1,000,000 expired access-log rows swept by the service (batched,
// hold-aware, with run bookkeeping) compared with one raw batched DELETE over the same data. The IP and
// user agent are sealed values (48 random-looking bytes each stand in for them: the sweep never opens them).
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

const ROWS = Number(process.env.BENCH_RETENTION_ROWS ?? 1_000_000);
const USERS = 1000;

/** Fills access_log with ROWS rows 200 days old spread over USERS users (plus one held user's rows). */
async function fill(ds) {
  await ds.query(`INSERT INTO users (email, display_name, region) SELECT 'bench-ret-' || g || '@example.com', 'Bench ' || g, 'EU' FROM generate_series(1, $1) g ON CONFLICT DO NOTHING`, [USERS]);
  const users = await ds.query(`SELECT id FROM users WHERE email LIKE 'bench-ret-%' ORDER BY email`);
  const ids = users.map((u) => u.id);
  await ds.query(
    `WITH u AS (SELECT id, row_number() OVER (ORDER BY email) - 1 AS n FROM users WHERE email LIKE 'bench-ret-%')
     INSERT INTO access_log (user_id, event, ip_sealed, user_agent_sealed, device_type, created_at)
     SELECT u.id, 'api_session', decode(md5(g::text) || md5((g + 1)::text) || md5((g + 2)::text), 'hex'),
            decode(md5((g + 3)::text) || md5((g + 4)::text) || md5((g + 5)::text), 'hex'), 'desktop', now() - interval '200 days' - make_interval(secs => g % 86400)
       FROM generate_series(1, $1) g JOIN u ON u.n = g % $2`,
    [ROWS, ids.length],
  );
  await ds.query('ANALYZE access_log');
  return ids;
}

export async function benchRetention({ app, dist, record }) {
  const { DataSource } = require('typeorm');
  const { RetentionService } = require(path.join(dist, 'retention/retention.service.js'));
  const { StaffService } = require(path.join(dist, 'identity/staff.service.js'));
  const ds = app.get(DataSource);
  const retention = app.get(RetentionService);
  await app.get(StaffService).ensure('bench-po@soar2.local', 'Bench PO', 'privacy_officer', 'bench-password-123');
  const [staff] = await ds.query(`SELECT id FROM staff WHERE email = 'bench-po@soar2.local'`);
  const [{ id: policyId }] = await ds.query(`SELECT id FROM retention_policies WHERE category = 'access_logs'`);

  const t0 = performance.now();
  const ids = await fill(ds);
  record('retention: fill access_log', ROWS, 'rows', `${((performance.now() - t0) / 1000).toFixed(1)} s with generate_series`);
  // One held user: the sweep must skip their rows.
  await ds.query(`INSERT INTO legal_holds (scope_type, scope_id, reason, requested_by, created_by) VALUES ('user', $1, 'bench hold', 'bench', $2)`, [ids[0], staff.id]);
  const heldRows = Number((await ds.query('SELECT count(*)::int AS n FROM access_log WHERE user_id = $1', [ids[0]]))[0].n);

  const run = await retention.startRun(policyId, 'manual', { type: 'staff', id: staff.id, role: 'privacy_officer' });
  const t1 = performance.now();
  const done = await retention.execute(run.id);
  const sweepSeconds = (performance.now() - t1) / 1000;
  const left = Number((await ds.query('SELECT count(*)::int AS n FROM access_log'))[0].n);
  record(
    'retention: sweep of expired access-log rows (service, batches of RETENTION_BATCH_SIZE, hold-aware)',
    Math.round(done.deleted / sweepSeconds),
    'rows/s',
    `${done.deleted} deleted in ${sweepSeconds.toFixed(1)} s, ${done.batches} batches, ${done.skippedOnHold} kept by a hold (expected ${heldRows}), ${left} left`,
  );
  await ds.query('DELETE FROM access_log');
  await ds.query(`UPDATE legal_holds SET released_at = now(), released_by = $1, release_reason = 'bench done' WHERE released_at IS NULL`, [staff.id]);

  await fill(ds);
  const t2 = performance.now();
  let raw = 0;
  for (;;) {
    const [, n] = await ds.query(`DELETE FROM access_log WHERE id IN (SELECT id FROM access_log WHERE created_at <= now() - interval '90 days' LIMIT 5000)`);
    raw += n;
    if (n === 0) break;
  }
  const rawSeconds = (performance.now() - t2) / 1000;
  record('retention: the same rows by raw batched DELETE (5,000 per statement, no holds, no bookkeeping)', Math.round(raw / rawSeconds), 'rows/s', `${raw} in ${rawSeconds.toFixed(1)} s`);
  record('retention: sweep throughput / raw DELETE', (rawSeconds / sweepSeconds).toFixed(2), 'ratio', 'aim ≥ 0.5');
  await ds.query(`DELETE FROM users WHERE email LIKE 'bench-ret-%'`);
}
