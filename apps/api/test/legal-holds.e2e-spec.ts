// Legal holds: placed and released by privacy officers or admins with a reason, audited, visible to
// agents, never deleted, and consulted before any deletion in their scope.
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LegalHoldsService } from '../src/legal-holds/legal-holds.service';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

describe('legal holds (/admin/legal-holds)', () => {
  let t: TestApp;
  const tokens: Record<string, string> = {};
  let userId: string;

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ['admin', 'support_agent', 'privacy_officer', 'auditor'] as const) tokens[role] = await issueStaffToken(t.app, await ensureStaff(t.app, role));
    userId = (await userWithToken(t.app, 'held.user@example.com')).id;
  });
  afterAll(() => t?.close());

  const as = (role: string) => ({
    get: (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${tokens[role]}`),
    post: (path: string) => request(t.server).post(path).set('Authorization', `Bearer ${tokens[role]}`),
    put: (path: string) => request(t.server).put(path).set('Authorization', `Bearer ${tokens[role]}`),
    delete: (path: string) => request(t.server).delete(path).set('Authorization', `Bearer ${tokens[role]}`),
  });

  async function auditActions(subjectId: string): Promise<string[]> {
    const rows: Array<{ action: string }> = await t.app.get(DataSource).query('SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY sequence', [subjectId]);
    return rows.map((r) => r.action);
  }

  it('lets a privacy officer place a hold on a user, which then blocks deletion of the user and their records', async () => {
    const res = await as('privacy_officer')
      .post('/admin/legal-holds')
      .send({ scopeType: 'user', scopeId: userId, reason: 'Litigation hold: preserve all account records.', requestedBy: 'Legal (J. Smith)', reference: 'CASE-114' })
      .expect(201);
    expect(res.body).toMatchObject({ scopeType: 'user', scopeId: userId, active: true, releasedAt: null, expiresAt: null });
    const holds = t.app.get(LegalHoldsService);
    await expect(holds.assertDeletable({ userId })).rejects.toMatchObject({ code: 'LEGAL_HOLD_BLOCKS_DELETION' });
    await expect(holds.assertDeletable({ userId, jobId: randomUUID() })).rejects.toMatchObject({ code: 'LEGAL_HOLD_BLOCKS_DELETION' });
    await expect(holds.assertDeletable({ userId: randomUUID() })).resolves.toBeUndefined();
    expect((await holds.activeForUser(userId)).map((h) => h.id)).toEqual([res.body.id]);
    expect(await auditActions(res.body.id)).toEqual(['legal_hold.create']);
  });

  it('shows holds to support agents, filtered by user, and lets them change nothing', async () => {
    const list = await as('support_agent').get('/admin/legal-holds').query({ filter: JSON.stringify({ userId, active: true }) }).expect(200);
    expect(list.headers['content-range']).toBe('legal-holds 0-0/1');
    const holdId = list.body[0].id as string;
    await as('support_agent').post('/admin/legal-holds').send({ scopeType: 'user', scopeId: userId, reason: 'no', requestedBy: 'me' }).expect(403);
    await as('support_agent').post(`/admin/legal-holds/${holdId}/release`).send({ reason: 'trying' }).expect(403);
    await as('auditor').get('/admin/legal-holds').expect(403);
  });

  it('extends a hold with before and after in the audit log, then releases it with a reason, after which deletion may run', async () => {
    const [hold] = await t.app.get(LegalHoldsService).activeForUser(userId);
    const until = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const updated = await as('admin').put(`/admin/legal-holds/${hold!.id}`).send({ expiresAt: until }).expect(200);
    expect(updated.body.expiresAt).toBe(until);
    const released = await as('admin').post(`/admin/legal-holds/${hold!.id}/release`).send({ reason: 'Matter settled.' }).expect(200);
    expect(released.body).toMatchObject({ active: false, releaseReason: 'Matter settled.' });
    await expect(t.app.get(LegalHoldsService).assertDeletable({ userId })).resolves.toBeUndefined();
    await as('admin').post(`/admin/legal-holds/${hold!.id}/release`).send({ reason: 'again' }).expect(409).expect((r) => expect(r.body.code).toBe('LEGAL_HOLD_RELEASED'));
    await as('admin').put(`/admin/legal-holds/${hold!.id}`).send({ reason: 'reworded reason' }).expect(409);
    expect(await auditActions(hold!.id)).toEqual(['legal_hold.create', 'legal_hold.update', 'legal_hold.release']);
    const [entry] = await t.app.get(DataSource).query(`SELECT details FROM audit_log WHERE subject_id = $1 AND action = 'legal_hold.update'`, [hold!.id]);
    expect(entry.details).toMatchObject({ before: { expiresAt: null }, after: { expiresAt: until } });
  });

  it('never deletes a hold (no route, and privacy officers are forbidden)', async () => {
    const [row] = await t.app.get(DataSource).query('SELECT id FROM legal_holds LIMIT 1');
    await as('privacy_officer').delete(`/admin/legal-holds/${row.id}`).expect(404);
  });

  it.each([
    [{ scopeType: 'planet', scopeId: randomUUID(), reason: 'valid reason', requestedBy: 'x' }, 422, 'scopeType'],
    [{ scopeType: 'user', scopeId: 'not-a-uuid', reason: 'valid reason', requestedBy: 'x' }, 422, 'scopeId'],
    [{ scopeType: 'user', scopeId: randomUUID(), reason: 'no', requestedBy: 'x' }, 422, 'reason'],
    [{ scopeType: 'user', scopeId: randomUUID(), reason: 'valid reason', requestedBy: 'x', expiresAt: 'tomorrow' }, 422, 'expiresAt'],
    [{ scopeType: 'user', scopeId: randomUUID(), reason: 'valid reason', requestedBy: 'x', extra: 1 }, 422, 'extra'],
  ])('refuses bad input %j with %i naming %s', async (body, status, field) => {
    const before = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM legal_holds');
    const res = await as('privacy_officer').post('/admin/legal-holds').send(body).expect(status);
    expect(res.body.errors).toHaveProperty(field);
    expect(await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM legal_holds')).toEqual(before);
  });

  it('refuses a hold on a record that does not exist, or one expiring in the past', async () => {
    await as('privacy_officer')
      .post('/admin/legal-holds')
      .send({ scopeType: 'user', scopeId: randomUUID(), reason: 'valid reason', requestedBy: 'x' })
      .expect(422)
      .expect((r) => expect(r.body.code).toBe('LEGAL_HOLD_SCOPE_NOT_FOUND'));
    await as('privacy_officer')
      .post('/admin/legal-holds')
      .send({ scopeType: 'user', scopeId: userId, reason: 'valid reason', requestedBy: 'x', expiresAt: '2020-01-01T00:00:00.000Z' })
      .expect(422)
      .expect((r) => expect(r.body.code).toBe('LEGAL_HOLD_EXPIRY_IN_PAST'));
  });

  it('ignores an expired hold', async () => {
    const ds = t.app.get(DataSource);
    const [staff] = await ds.query(`SELECT id FROM staff WHERE role = 'privacy_officer' LIMIT 1`);
    await ds.query(`INSERT INTO legal_holds (scope_type, scope_id, reason, requested_by, created_by, created_at, expires_at) VALUES ('user', $1, 'old matter', 'x', $2, now() - interval '2 days', now() - interval '1 day')`, [userId, staff.id]);
    await expect(t.app.get(LegalHoldsService).assertDeletable({ userId })).resolves.toBeUndefined();
  });
});
