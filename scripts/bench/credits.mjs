// Credit ledger benchmark: holds per second with 32 concurrent clients, and the exactness checks
// (500 concurrent holds of 1 against 100 credits → exactly 100 succeed; totals equal the entries;
// nobody overdrawn). Called from scripts/bench.mjs with an app whose pool has ≥ 32 connections.
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * @param {{ app: import('@nestjs/common').INestApplication, dist: string, record: Function, concurrently: Function }} ctx
 */
export async function benchCredits({ app, dist, record, concurrently }) {
  const { CreditsService } = require(path.join(dist, 'credits/credits.service.js'));
  const { DataSource } = require('typeorm');
  const credits = app.get(CreditsService);
  const ds = app.get(DataSource);
  const clients = 32;
  const run = Date.now().toString(36);

  const users = [];
  for (let i = 0; i < clients + 1; i += 1) {
    const [row] = await ds.query(`INSERT INTO users (email, display_name) VALUES ($1, 'bench') RETURNING id`, [`credits-bench-${run}-${i}@bench.test`]);
    users.push(row.id);
    await credits.grant({ userId: row.id, amount: 1_000_000, kind: 'purchase', idempotencyKey: `bench:${run}:${i}`, reason: 'benchmark credits' });
  }

  // Warm-up (connections, plans).
  await concurrently(200, clients, (i) => credits.hold({ userId: users[i % clients], amount: 1, referenceType: 'bench', referenceId: `${run}-warm-${i}`, reason: 'bench' }));

  const total = 6000;
  const spread = await concurrently(total, clients, (i) => credits.hold({ userId: users[i % clients], amount: 1, referenceType: 'bench', referenceId: `${run}-s-${i}`, reason: 'bench' }));
  record('credit holds, 32 concurrent clients on 32 users', spread, 'holds/s', `CreditsService.hold: one statement each (per-user row lock), ${total} holds`);

  const hot = users[clients];
  const oneUser = await concurrently(3000, clients, (i) => credits.hold({ userId: hot, amount: 1, referenceType: 'bench', referenceId: `${run}-h-${i}`, reason: 'bench' }));
  record('credit holds, 32 concurrent clients on one user', oneUser, 'holds/s', 'worst case: every hold waits for the same row lock');

  // Exactness: 100 credits available, 500 concurrent holds of 1.
  const [exact] = await ds.query(`INSERT INTO users (email, display_name) VALUES ($1, 'bench') RETURNING id`, [`credits-exact-${run}@bench.test`]);
  await credits.grant({ userId: exact.id, amount: 100, kind: 'purchase', idempotencyKey: `bench:${run}:exact`, reason: 'benchmark credits' });
  const results = await Promise.allSettled(
    Array.from({ length: 500 }, (_, i) => credits.hold({ userId: exact.id, amount: 1, referenceType: 'bench', referenceId: `${run}-x-${i}`, reason: 'bench' })),
  );
  const succeeded = results.filter((r) => r.status === 'fulfilled').length;
  const refused = results.filter((r) => r.status === 'rejected' && r.reason?.code === 'INSUFFICIENT_CREDITS').length;
  const summary = await credits.summary(exact.id);
  const mismatched = await ds.query(`
    SELECT b.user_id FROM credit_balances b
      LEFT JOIN (SELECT user_id, sum(amount) AS balance, sum(held_delta) AS held FROM credit_entries GROUP BY user_id) e ON e.user_id = b.user_id
     WHERE b.balance <> coalesce(e.balance, 0) OR b.held <> coalesce(e.held, 0)`);
  const overdrawn = await ds.query(`SELECT count(*)::int AS n FROM credit_balances WHERE balance - held < 0`);
  const ok = succeeded === 100 && refused === 400 && summary.available === 0 && mismatched.length === 0 && overdrawn[0].n === 0;
  record(
    'credit exactness: 500 concurrent holds of 1 with 100 available',
    succeeded,
    'succeeded',
    `${refused} refused with INSUFFICIENT_CREDITS; available after: ${summary.available}; totals ≠ entries: ${mismatched.length} users; overdrawn: ${overdrawn[0].n}; ${ok ? 'exact' : 'NOT EXACT'}`,
  );
  if (!ok) throw new Error('credit ledger exactness check failed');
}
