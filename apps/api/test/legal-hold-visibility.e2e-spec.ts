// Legal holds are visible on every record they cover: a ticket's and a job's console views list the
// active holds on the record itself and on its user, lists flag held rows, and the console's job
// deletion is refused while a hold lasts (409 LEGAL_HOLD_BLOCKS_DELETION).
import request from 'supertest';
import { DataSource } from 'typeorm';
import { abilityFromRules } from '../src/authz/ability';
import { LegalHoldsService } from '../src/legal-holds/legal-holds.service';
import { VideoSimulator } from '../src/generation/simulator/video-simulator';
import { generationEnv, grantCredits, waitForFinal } from './support/generation-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(120_000);

type Role = 'admin' | 'support_agent' | 'privacy_officer' | 'auditor';

describe('legal holds on the records they cover (/admin/tickets, /admin/generations)', () => {
  const sim = new VideoSimulator({ latencyMs: 20 });
  let t: TestApp;
  let ds: DataSource;
  const tokens = {} as Record<Role, string>;
  // plain: no user hold, one held ticket and job, one free of each; heldUser: a user hold covers everything.
  let plain: { id: string; token: string };
  let heldUser: { id: string; token: string };
  const ids = { heldTicket: '', freeTicket: '', userTicket: '', heldJob: '', freeJob: '', userJob: '' };
  const holds = { ticket: '', job: '', user: '' };

  const as = (role: Role) => ({
    get: (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${tokens[role]}`),
    post: (path: string) => request(t.server).post(path).set('Authorization', `Bearer ${tokens[role]}`),
  });

  async function openTicket(user: { token: string }, subject: string): Promise<string> {
    const res = await request(t.server).post('/v1/tickets').set('Authorization', `Bearer ${user.token}`).send({ subject, body: 'Please look at my account.', category: 'other' }).expect(201);
    return res.body.id as string;
  }

  async function startJob(user: { token: string }, prompt: string): Promise<string> {
    const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${user.token}`).send({ prompt, model: 'sora-2', seconds: 4, size: '1280x720' }).expect(202);
    await waitForFinal(ds, res.body.id as string);
    return res.body.id as string;
  }

  async function placeHold(scopeType: 'user' | 'ticket' | 'job', scopeId: string, reason: string, expiresAt?: string): Promise<string> {
    const res = await as('privacy_officer')
      .post('/admin/legal-holds')
      .send({ scopeType, scopeId, reason, requestedBy: 'Legal (J. Smith)', ...(expiresAt ? { expiresAt } : {}) })
      .expect(201);
    return res.body.id as string;
  }

  beforeAll(async () => {
    await sim.start();
    t = await startTestApp({ env: generationEnv(sim) });
    ds = t.app.get(DataSource);
    for (const role of ['admin', 'support_agent', 'privacy_officer', 'auditor'] as const) tokens[role] = await issueStaffToken(t.app, await ensureStaff(t.app, role));
    plain = await userWithToken(t.app, 'plain.customer@soar2.test');
    heldUser = await userWithToken(t.app, 'litigant@soar2.test');
    await grantCredits(t.app, plain.id, 100, 'test:hold-visibility:plain');
    await grantCredits(t.app, heldUser.id, 100, 'test:hold-visibility:held');
    ids.heldTicket = await openTicket(plain, 'Held ticket');
    ids.freeTicket = await openTicket(plain, 'Free ticket');
    ids.userTicket = await openTicket(heldUser, 'Ticket of a held user');
    ids.heldJob = await startJob(plain, 'A lighthouse in a storm');
    ids.freeJob = await startJob(plain, 'A field of sunflowers');
    ids.userJob = await startJob(heldUser, 'A train crossing a bridge');
    holds.ticket = await placeHold('ticket', ids.heldTicket, 'Complaint file CASE-7: keep the ticket.', new Date(Date.now() + 90 * 86_400_000).toISOString());
    holds.job = await placeHold('job', ids.heldJob, 'Copyright dispute over this video.');
    holds.user = await placeHold('user', heldUser.id, 'Litigation hold: Doe v. Soar2.');
  });
  afterAll(async () => {
    await t?.close();
    await sim.stop();
  });

  describe('a ticket', () => {
    it.each(['support_agent', 'admin', 'privacy_officer'] as const)('shows a %s the ticket hold with its reason and expiry', async (role) => {
      const res = await as(role).get(`/admin/tickets/${ids.heldTicket}`).expect(200);
      expect(res.body.legalHolds).toEqual([
        { id: holds.ticket, scopeType: 'ticket', scopeId: ids.heldTicket, since: expect.any(String), reason: 'Complaint file CASE-7: keep the ticket.', expiresAt: expect.any(String) },
      ]);
    });

    it('shows the hold on the ticket’s user, and nothing on a ticket no hold covers', async () => {
      const held = await as('support_agent').get(`/admin/tickets/${ids.userTicket}`).expect(200);
      expect(held.body.legalHolds).toEqual([{ id: holds.user, scopeType: 'user', scopeId: heldUser.id, since: expect.any(String), reason: 'Litigation hold: Doe v. Soar2.', expiresAt: null }]);
      const free = await as('support_agent').get(`/admin/tickets/${ids.freeTicket}`).expect(200);
      expect(free.body.legalHolds).toEqual([]);
    });

    it('flags held tickets in the inbox list', async () => {
      const res = await as('support_agent').get('/admin/tickets').query({ perPage: 50 }).expect(200);
      const flags = Object.fromEntries((res.body as Array<{ id: string; underHold: boolean }>).map((r) => [r.id, r.underHold]));
      expect(flags).toMatchObject({ [ids.heldTicket]: true, [ids.userTicket]: true, [ids.freeTicket]: false });
    });
  });

  describe('a generation job', () => {
    it.each(['support_agent', 'privacy_officer'] as const)('shows a %s the job hold with its reason', async (role) => {
      const res = await as(role).get(`/admin/generations/${ids.heldJob}`).expect(200);
      expect(res.body.underHold).toBe(true);
      expect(res.body.legalHolds).toEqual([{ id: holds.job, scopeType: 'job', scopeId: ids.heldJob, since: expect.any(String), reason: 'Copyright dispute over this video.', expiresAt: null }]);
    });

    it('shows the hold on the job’s user, and nothing on a job no hold covers', async () => {
      const held = await as('support_agent').get(`/admin/generations/${ids.userJob}`).expect(200);
      expect(held.body.legalHolds.map((h: { id: string; scopeType: string }) => [h.id, h.scopeType])).toEqual([[holds.user, 'user']]);
      const free = await as('support_agent').get(`/admin/generations/${ids.freeJob}`).expect(200);
      expect(free.body).toMatchObject({ underHold: false, legalHolds: [] });
    });

    it('flags held jobs in the jobs list', async () => {
      const res = await as('support_agent').get('/admin/generations').query({ perPage: 50 }).expect(200);
      const flags = Object.fromEntries((res.body as Array<{ id: string; underHold: boolean }>).map((r) => [r.id, r.underHold]));
      expect(flags).toEqual({ [ids.heldJob]: true, [ids.userJob]: true, [ids.freeJob]: false });
    });

    it('refuses to delete a held job (job or user hold) with 409 LEGAL_HOLD_BLOCKS_DELETION, changing and auditing nothing', async () => {
      for (const [jobId, holdId] of [
        [ids.heldJob, holds.job],
        [ids.userJob, holds.user],
      ]) {
        const res = await as('support_agent').post(`/admin/generations/${jobId}/delete`).send({ reason: 'Ticket T-9: customer asked' }).expect(409);
        expect(res.body.code).toBe('LEGAL_HOLD_BLOCKS_DELETION');
        expect(res.body.message).toContain(holdId);
        const [row] = await ds.query(`SELECT deleted_at, provider_deleted_at FROM generation_jobs WHERE id = $1`, [jobId]);
        expect(row).toEqual({ deleted_at: null, provider_deleted_at: null });
        expect(await ds.query(`SELECT 1 FROM audit_log WHERE action = 'generation.delete' AND subject_id = $1`, [jobId])).toEqual([]);
      }
    });

    it('lets a held user delete their video from their own view, but keeps the provider’s copy while the hold lasts', async () => {
      await request(t.server).delete(`/v1/videos/${ids.userJob}`).set('Authorization', `Bearer ${heldUser.token}`).expect(204);
      await request(t.server).delete(`/v1/videos/${ids.freeJob}`).set('Authorization', `Bearer ${plain.token}`).expect(204);
      const rows: Array<{ id: string; hidden: boolean; provider_deleted: boolean }> = await ds.query(
        `SELECT id, deleted_at IS NOT NULL AS hidden, provider_deleted_at IS NOT NULL AS provider_deleted FROM generation_jobs WHERE id = ANY($1::uuid[])`,
        [[ids.userJob, ids.freeJob]],
      );
      expect(Object.fromEntries(rows.map((r) => [r.id, [r.hidden, r.provider_deleted]]))).toEqual({ [ids.userJob]: [true, false], [ids.freeJob]: [true, true] });
    });

    it('deletes the job once its hold is released, and no longer shows the hold', async () => {
      await as('privacy_officer').post(`/admin/legal-holds/${holds.job}/release`).send({ reason: 'Dispute settled.' }).expect(200);
      const before = await as('support_agent').get(`/admin/generations/${ids.heldJob}`).expect(200);
      expect(before.body).toMatchObject({ underHold: false, legalHolds: [] });
      const res = await as('support_agent').post(`/admin/generations/${ids.heldJob}/delete`).send({ reason: 'Ticket T-9: customer asked' }).expect(200);
      expect(res.body).toMatchObject({ deleted: true, underHold: false });
    });
  });

  it('gives a reader not allowed to read legal holds only which hold covers the record and since when, never the reason or expiry', async () => {
    // No role has this today (every role that sees tickets or jobs may read holds); the rule is CASL's, so a narrower role gets facts only.
    const ticketReader = abilityFromRules([{ action: 'read', subject: 'Ticket' }]);
    const facts = await t.app.get(LegalHoldsService).coveringRecord({ userId: plain.id, ticketId: ids.heldTicket }, ticketReader);
    expect(facts).toEqual([{ id: holds.ticket, scopeType: 'ticket', scopeId: ids.heldTicket, since: expect.any(Date) }]);
    const userFacts = await t.app.get(LegalHoldsService).coveringRecord({ userId: heldUser.id, jobId: ids.userJob }, ticketReader);
    expect(userFacts).toEqual([{ id: holds.user, scopeType: 'user', scopeId: heldUser.id, since: expect.any(Date) }]);
  });

  it('gives the views only to roles that see the record (auditors see neither)', async () => {
    await as('auditor').get(`/admin/tickets/${ids.heldTicket}`).expect(403);
    await as('auditor').get(`/admin/generations/${ids.userJob}`).expect(403);
  });
});
