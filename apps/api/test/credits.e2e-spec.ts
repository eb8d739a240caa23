import request from 'supertest';
import { DataSource } from 'typeorm';
import { HoldReferenceRegistry, HoldReferenceState } from '../src/credits/hold-reference.registry';
import { HoldSweeperService } from '../src/credits/hold-sweeper.service';
import { CreditsService } from '../src/credits/credits.service';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { ensureStaff, userWithToken } from './support/tokens';
import { TestApp, startTestApp } from './support/test-app';

jest.setTimeout(120_000);

interface Sums {
  balance: string;
  held: string;
}

describe('credits: the append-only ledger', () => {
  let t: TestApp;
  let credits: CreditsService;
  let ds: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ env: { DATABASE_POOL_SIZE: '40' } });
    credits = t.app.get(CreditsService);
    ds = t.app.get(DataSource);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The cached totals must equal the sums of the entries. */
  async function expectTotalsMatchEntries(userId: string): Promise<void> {
    const [sums] = (await ds.query(`SELECT coalesce(sum(amount),0)::text AS balance, coalesce(sum(held_delta),0)::text AS held FROM credit_entries WHERE user_id = $1`, [userId])) as Sums[];
    const s = await credits.summary(userId);
    expect({ balance: s.balance, held: s.held }).toEqual({ balance: Number(sums?.balance), held: Number(sums?.held) });
  }

  it('holds exactly what is available under 500 concurrent holds of 1 with 100 credits', async () => {
    const u = await userWithToken(t.app, 'race@soar2.test');
    await credits.grant({ userId: u.id, amount: 100, kind: 'purchase', idempotencyKey: 'test:race:purchase', reason: 'test purchase' });
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => credits.hold({ userId: u.id, amount: 1, referenceType: 'job', referenceId: `race-${i}`, reason: 'race' })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(ok).toHaveLength(100);
    expect(refused).toHaveLength(400);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'INSUFFICIENT_CREDITS', status: 402 });
    expect(await credits.summary(u.id)).toEqual({ balance: 100, held: 100, available: 0 });
    await expectTotalsMatchEntries(u.id);
  });

  it('repeating a hold returns the same hold; capture and release are idempotent and exclusive', async () => {
    const u = await userWithToken(t.app, 'holds@soar2.test');
    await credits.grant({ userId: u.id, amount: 50, kind: 'grant', idempotencyKey: 'test:holds:grant', reason: 'allowance' });
    const a = await credits.hold({ userId: u.id, amount: 10, referenceType: 'job', referenceId: 'j1', reason: 'generation' });
    const again = await credits.hold({ userId: u.id, amount: 10, referenceType: 'job', referenceId: 'j1', reason: 'generation' });
    expect(again).toEqual(a);
    expect(await credits.summary(u.id)).toEqual({ balance: 50, held: 10, available: 40 });

    await credits.capture(a.holdId);
    await credits.capture(a.holdId);
    expect(await credits.summary(u.id)).toEqual({ balance: 40, held: 0, available: 40 });
    await expect(credits.release(a.holdId, 'job failed')).rejects.toMatchObject({ code: 'HOLD_ALREADY_CAPTURED', status: 409 });

    const b = await credits.hold({ userId: u.id, amount: 5, referenceType: 'job', referenceId: 'j2', reason: 'generation' });
    await Promise.all([credits.release(b.holdId, 'job failed'), credits.release(b.holdId, 'job failed')]);
    await expect(credits.capture(b.holdId)).rejects.toMatchObject({ code: 'HOLD_ALREADY_RELEASED', status: 409 });
    expect(await credits.summary(u.id)).toEqual({ balance: 40, held: 0, available: 40 });
    await expect(credits.capture('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'HOLD_NOT_FOUND', status: 404 });

    const r1 = await credits.refund({ userId: u.id, amount: 10, referenceType: 'job', referenceId: 'j1', actor: { type: 'system', id: 'test' }, reason: 'bad output' });
    const r2 = await credits.refund({ userId: u.id, amount: 10, referenceType: 'job', referenceId: 'j1', actor: { type: 'system', id: 'test' }, reason: 'bad output' });
    expect(r2).toEqual(r1);
    expect(await credits.summary(u.id)).toEqual({ balance: 50, held: 0, available: 50 });
    await expectTotalsMatchEntries(u.id);
  });

  it('refuses negative, zero and fractional amounts with 422', async () => {
    const u = await userWithToken(t.app, 'bad-amounts@soar2.test');
    for (const amount of [-1, 0, 1.5, Number.NaN]) {
      await expect(credits.hold({ userId: u.id, amount, referenceType: 'job', referenceId: `x${amount}`, reason: 'r' })).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        status: 422,
        errors: { amount: expect.any(String) },
      });
      await expect(credits.grant({ userId: u.id, amount, kind: 'grant', idempotencyKey: `k${amount}`, reason: 'r' })).rejects.toMatchObject({ status: 422 });
    }
    await expect(credits.grant({ userId: u.id, amount: 5, kind: 'purchase', idempotencyKey: 'k', reason: 'r', expiresAt: new Date() })).rejects.toMatchObject({
      errors: { expiresAt: 'Purchased credits never expire.' },
    });
  });

  it('the database refuses to update or delete entries, except clearing the user reference', async () => {
    const u = await userWithToken(t.app, 'append-only@soar2.test');
    const { entryId } = await credits.grant({ userId: u.id, amount: 7, kind: 'grant', idempotencyKey: 'test:append-only', reason: 'r' });
    await expect(ds.query(`UPDATE credit_entries SET amount = 700 WHERE id = $1`, [entryId])).rejects.toThrow(/append-only/);
    await expect(ds.query(`UPDATE credit_entries SET user_id = NULL, amount = 1 WHERE id = $1`, [entryId])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM credit_entries WHERE id = $1`, [entryId])).rejects.toThrow(/append-only/);
    await expect(ds.query(`TRUNCATE credit_entries CASCADE`)).rejects.toThrow(/append-only/);
    const [row] = (await ds.query(`SELECT amount FROM credit_entries WHERE id = $1`, [entryId])) as Array<{ amount: number }>;
    expect(row?.amount).toBe(7);
  });

  it('support agents adjust up to the admin-set limit, admins beyond; each adjustment is audited', async () => {
    const u = await userWithToken(t.app, 'adjust@soar2.test');
    const agent = await ensureStaff(t.app, 'support_agent');
    const admin = await ensureStaff(t.app, 'admin');
    const limit = await credits.supportAdjustmentLimit();
    await credits.adjust({ userId: u.id, amount: limit, actor: { type: 'staff', id: agent, role: 'support_agent' }, reason: 'goodwill' });
    await expect(credits.adjust({ userId: u.id, amount: limit + 1, actor: { type: 'staff', id: agent, role: 'support_agent' }, reason: 'too much' })).rejects.toMatchObject({
      code: 'ADJUSTMENT_LIMIT_EXCEEDED',
      status: 403,
    });
    await credits.adjust({ userId: u.id, amount: limit + 1, actor: { type: 'staff', id: admin, role: 'admin' }, reason: 'approved by admin' });
    await expect(credits.adjust({ userId: u.id, amount: 5, actor: { type: 'staff', id: agent, role: 'support_agent' }, reason: '  ' })).rejects.toMatchObject({
      status: 422,
      errors: { reason: 'A reason is required.' },
    });
    await expect(credits.adjust({ userId: u.id, amount: -(3 * limit), actor: { type: 'staff', id: admin, role: 'admin' }, reason: 'too much' })).rejects.toMatchObject({
      code: 'INSUFFICIENT_CREDITS',
    });
    expect((await credits.summary(u.id)).balance).toBe(2 * limit + 1);
    const audits = (await ds.query(`SELECT actor_id, details::text AS details FROM audit_log WHERE action = 'credit.adjust' AND subject_id = $1 ORDER BY sequence`, [u.id])) as Array<{
      actor_id: string;
      details: string;
    }>;
    expect(audits.map((a) => a.actor_id)).toEqual([agent, admin]);
    expect(JSON.parse(audits[1]?.details ?? '{}')).toMatchObject({ amount: limit + 1, reason: 'approved by admin' });
  });

  it('a clawback below what was spent shows a negative balance and flags the account', async () => {
    const u = await userWithToken(t.app, 'clawback@soar2.test');
    await credits.grant({ userId: u.id, amount: 100, kind: 'grant', idempotencyKey: 'test:claw:grant', reason: 'allowance' });
    const h = await credits.hold({ userId: u.id, amount: 80, referenceType: 'job', referenceId: 'claw-1', reason: 'generation' });
    await credits.capture(h.holdId);
    const first = await credits.clawback({ userId: u.id, amount: 100, idempotencyKey: 'test:claw:1', reason: 'charge refunded' });
    const again = await credits.clawback({ userId: u.id, amount: 100, idempotencyKey: 'test:claw:1', reason: 'charge refunded' });
    expect(first).toMatchObject({ created: true, available: -80, flagged: true });
    expect(again).toMatchObject({ created: false, entryId: first.entryId });
    expect(await credits.summary(u.id)).toEqual({ balance: -80, held: 0, available: -80 });
    const [flag] = (await ds.query(`SELECT flagged_at, flag_reason FROM credit_balances WHERE user_id = $1`, [u.id])) as Array<{ flagged_at: Date | null; flag_reason: string }>;
    expect(flag?.flagged_at).toBeInstanceOf(Date);
    await expect(credits.hold({ userId: u.id, amount: 1, referenceType: 'job', referenceId: 'claw-2', reason: 'g' })).rejects.toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
  });

  it('GET /v1/credits and /v1/credits/history show only the caller’s ledger, paginated newest first', async () => {
    const u = await userWithToken(t.app, 'api@soar2.test');
    const other = await userWithToken(t.app, 'api-other@soar2.test');
    for (let i = 0; i < 5; i += 1) await credits.grant({ userId: u.id, amount: i + 1, kind: 'purchase', idempotencyKey: `test:api:${i}`, reason: `pack ${i}` });
    await credits.grant({ userId: other.id, amount: 99, kind: 'purchase', idempotencyKey: 'test:api:other', reason: 'other' });
    const summary = await request(t.server).get('/v1/credits').set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(summary.body).toEqual({ balance: 15, held: 0, available: 15 });
    const page1 = await request(t.server).get('/v1/credits/history?limit=3').set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(page1.body.items.map((e: { amount: number }) => e.amount)).toEqual([5, 4, 3]);
    expect(Object.keys(page1.body.items[0]).sort()).toEqual(['amount', 'createdAt', 'expiresAt', 'heldDelta', 'holdId', 'id', 'kind', 'reason', 'referenceId', 'referenceType', 'seq']);
    const page2 = await request(t.server).get(`/v1/credits/history?limit=3&before=${page1.body.nextCursor}`).set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(page2.body.items.map((e: { amount: number }) => e.amount)).toEqual([2, 1]);
    expect(page2.body.nextCursor).toBeNull();
    await request(t.server).get('/v1/credits/history?limit=0').set('Authorization', `Bearer ${u.token}`).expect(422);
    await request(t.server).get('/v1/credits').expect(401);
  });

  it('the sweeper releases holds of finished references and holds stuck past the max age', async () => {
    const u = await userWithToken(t.app, 'sweeper@soar2.test');
    await credits.grant({ userId: u.id, amount: 30, kind: 'purchase', idempotencyKey: 'test:sweep', reason: 'pack' });
    const states = new Map<string, HoldReferenceState>([
      ['running', 'active'],
      ['done', 'finished'],
    ]);
    t.app.get(HoldReferenceRegistry).register('sweeptest', { states: async (ids) => new Map(ids.map((id) => [id, states.get(id) ?? 'unknown'])) });
    const running = await credits.hold({ userId: u.id, amount: 10, referenceType: 'sweeptest', referenceId: 'running', reason: 'g' });
    await credits.hold({ userId: u.id, amount: 10, referenceType: 'sweeptest', referenceId: 'done', reason: 'g' });
    await credits.hold({ userId: u.id, amount: 5, referenceType: 'sweeptest', referenceId: 'vanished', reason: 'g' });
    const sweeper = t.app.get(HoldSweeperService);
    const first = await sweeper.sweep();
    expect(first.releasedFinished).toBe(2);
    expect(await credits.summary(u.id)).toEqual({ balance: 30, held: 10, available: 20 });
    const later = new Date(Date.now() + (t.config.credits.holdMaxAgeMinutes + 1) * 60_000);
    const second = await sweeper.sweep(later);
    expect(second.releasedStuck).toBeGreaterThanOrEqual(1);
    await expect(credits.capture(running.holdId)).rejects.toMatchObject({ code: 'HOLD_ALREADY_RELEASED' });
    expect(await credits.summary(u.id)).toEqual({ balance: 30, held: 0, available: 30 });
  });

  it('billing.credits exports the entries and erasure anonymises them, keeping the amounts', async () => {
    const u = await userWithToken(t.app, 'erase-credits@soar2.test');
    await credits.grant({ userId: u.id, amount: 12, kind: 'purchase', idempotencyKey: 'test:erase:1', reason: 'pack' });
    const h = await credits.hold({ userId: u.id, amount: 2, referenceType: 'job', referenceId: 'erase-1', reason: 'g' });
    await credits.capture(h.holdId);
    const source = t.app.get(PersonalDataRegistry).get('billing.credits');
    if (!source) throw new Error('billing.credits is not registered');
    const records = await collectRecords(source, { userId: u.id });
    expect(records.map((r) => r.data.kind)).toEqual(['purchase', 'hold', 'capture']);
    const outcome = await source.erase({ userId: u.id });
    expect(outcome.anonymised).toBe(3);
    expect(outcome.retained[0]?.count).toBe(3);
    expect(await source.erase({ userId: u.id })).toMatchObject({ anonymised: 0, deleted: 0 });
    expect(await collectRecords(source, { userId: u.id })).toEqual([]);
    const [kept] = (await ds.query(`SELECT sum(amount)::int AS total, count(*)::int AS n FROM credit_entries WHERE idempotency_key IN ('test:erase:1','job:erase-1:hold','job:erase-1:capture') AND user_id IS NULL`)) as Array<{
      total: number;
      n: number;
    }>;
    expect(kept).toEqual({ total: 10, n: 3 });
  });
});
