// The support desk wired to its neighbours through SupportExtensions, end to end: linked jobs and the
// recent-jobs panel (generation), refunding a linked job (the jobs console's refund), account flags
// (legal holds and a scheduled erasure) and converting a privacy ticket into a privacy request.
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CreditsService } from '../src/credits/credits.service';
import { VideoSimulator } from '../src/generation/simulator/video-simulator';
import { ErasureService } from '../src/retention/erasure.service';
import { TicketsService } from '../src/support/tickets.service';
import { generationEnv, grantCredits, waitForFinal } from './support/generation-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(120_000);

interface TicketJson {
  id: string;
  linkedJobIds: string[];
  privacyRequestId: string | null;
  messages: Array<{ kind?: string; body: string }>;
  account: { flags: Array<{ key: string; label: string }> } | null;
  credits?: { balance: number; held: number; available: number };
  recentJobs?: Array<{ id: string; status: string; error: { code: string; message: string } | null }>;
}

describe('support desk integrations (jobs, refunds, account flags, privacy conversion)', () => {
  const sim = new VideoSimulator({ latencyMs: 0 });
  let t: TestApp;
  let ds: DataSource;
  let credits: CreditsService;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  let carol: { id: string; token: string };
  const staff = {} as Record<'admin' | 'agent' | 'privacy', { id: string; token: string }>;
  let completedId: string;
  let failedId: string;
  let bobJobId: string;

  beforeAll(async () => {
    await sim.start();
    t = await startTestApp({ env: generationEnv(sim) });
    ds = t.app.get(DataSource);
    credits = t.app.get(CreditsService);
    alice = await userWithToken(t.app, 'alice.integrations@example.test');
    bob = await userWithToken(t.app, 'bob.integrations@example.test');
    carol = await userWithToken(t.app, 'carol.integrations@example.test');
    for (const [name, role] of [['admin', 'admin'], ['agent', 'support_agent'], ['privacy', 'privacy_officer']] as const) {
      const id = await ensureStaff(t.app, role, `${name}.integrations@soar2.test`);
      staff[name] = { id, token: await issueStaffToken(t.app, id) };
    }
    await grantCredits(t.app, alice.id, 100, 'test:support-int-alice');
    await grantCredits(t.app, bob.id, 100, 'test:support-int-bob');
    const start = async (user: { token: string }, prompt: string): Promise<string> => {
      const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${user.token}`).send({ prompt, model: 'sora-2', seconds: 8, size: '1280x720' });
      expect(res.status).toBeLessThan(300);
      return res.body.id as string;
    };
    sim.queueOutcome('moderation');
    failedId = await start(alice, 'A crowded street market');
    await waitForFinal(ds, failedId);
    completedId = await start(alice, 'A quiet harbour at dawn');
    expect(await waitForFinal(ds, completedId)).toMatchObject({ status: 'completed', credits_outcome: 'captured' });
    bobJobId = await start(bob, 'A lighthouse in fog');
    await waitForFinal(ds, bobJobId);
  });

  afterAll(async () => {
    await t?.close();
    await sim.stop();
  });

  const v1 = (user: { token: string }) => (path: string) => request(t.url).post(path).set('Authorization', `Bearer ${user.token}`);
  const admin = (who: keyof typeof staff) => ({
    get: (path: string) => request(t.url).get(path).set('Authorization', `Bearer ${staff[who].token}`),
    post: (path: string) => request(t.url).post(path).set('Authorization', `Bearer ${staff[who].token}`),
  });
  const ticketCount = async (userId: string): Promise<number> =>
    ((await ds.query(`SELECT count(*)::int AS n FROM support_tickets WHERE user_id = $1`, [userId])) as Array<{ n: number }>)[0]?.n ?? -1;

  it('links the user’s own jobs, refuses another user’s job without storing anything, and shows recent jobs with their errors', async () => {
    const before = await ticketCount(alice.id);
    const foreign = await v1(alice)('/v1/tickets').send({ subject: 'Two videos', body: 'Both failed', category: 'generation_problem', jobIds: [completedId, bobJobId] }).expect(422);
    expect(foreign.body.code).toBe('LINKED_JOB_NOT_FOUND');
    expect(foreign.body.message).toContain(bobJobId);
    expect(foreign.body.message).not.toContain(completedId);
    expect(await ticketCount(alice.id)).toBe(before);

    const created = await v1(alice)('/v1/tickets').send({ subject: 'Video failed', body: 'The market one', category: 'generation_problem', jobIds: [failedId, completedId] }).expect(201);
    const [row] = (await ds.query(`SELECT linked_job_ids AS ids FROM support_tickets WHERE id = $1`, [created.body.id])) as Array<{ ids: string[] }>;
    expect([...(row?.ids ?? [])].sort()).toEqual([failedId, completedId].sort());

    const view = (await admin('agent').get(`/admin/tickets/${created.body.id}`).expect(200)).body as TicketJson;
    const recent = view.recentJobs ?? [];
    expect(recent.map((j) => j.id).sort()).toEqual([failedId, completedId].sort());
    expect(recent.find((j) => j.id === completedId)).toMatchObject({ status: 'completed', error: null });
    const failed = recent.find((j) => j.id === failedId);
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toEqual({ code: expect.any(String), message: expect.any(String) });
  });

  it('refunds a linked, charged job once through the generation console’s refund, and the balance changes exactly', async () => {
    const ticket = await v1(alice)('/v1/tickets').send({ subject: 'Unusable video', body: 'The harbour is black', category: 'generation_problem', jobIds: [completedId] }).expect(201);
    const [job] = (await ds.query(`SELECT credits FROM generation_jobs WHERE id = $1`, [completedId])) as Array<{ credits: number }>;
    expect(job?.credits).toBeGreaterThan(0);
    const before = await credits.summary(alice.id);

    const notLinked = await admin('agent').post(`/admin/tickets/${ticket.body.id}/refund-job`).send({ jobId: failedId, reason: 'Not this one' }).expect(422);
    expect(notLinked.body.code).toBe('JOB_NOT_LINKED');

    const refunded = await admin('agent').post(`/admin/tickets/${ticket.body.id}/refund-job`).send({ jobId: completedId, reason: 'Video unusable' }).expect(200);
    const after = await credits.summary(alice.id);
    expect(after.balance).toBe(before.balance + (job?.credits ?? 0));
    expect((refunded.body as TicketJson).credits).toEqual(after);
    expect((refunded.body as TicketJson).messages.some((m) => m.kind === 'system' && m.body.includes(`Job ${completedId} refunded (${job?.credits} credits)`))).toBe(true);
    const [state] = (await ds.query(`SELECT credits_outcome AS outcome FROM generation_jobs WHERE id = $1`, [completedId])) as Array<{ outcome: string }>;
    expect(state?.outcome).toBe('refunded');

    const again = await admin('agent').post(`/admin/tickets/${ticket.body.id}/refund-job`).send({ jobId: completedId, reason: 'Video unusable' }).expect(409);
    expect(again.body.code).toBe('GENERATION_ACTION_NOT_ALLOWED');
    expect(await credits.summary(alice.id)).toEqual(after);
    const audits = (await ds.query(`SELECT action, subject_id AS "subjectId" FROM audit_log WHERE action IN ('ticket.refund_job', 'generation.refund') AND (subject_id = $1 OR subject_id = $2)`, [
      ticket.body.id,
      completedId,
    ])) as Array<{ action: string }>;
    expect(audits.map((a) => a.action).sort()).toEqual(['generation.refund', 'ticket.refund_job']);
    const jobView = await admin('agent').get(`/admin/generations/${completedId}`).expect(200);
    expect(jobView.body.linkedTickets).toEqual(expect.arrayContaining([ticket.body.id]));
  });

  it('flags a legal hold touching the user and a scheduled erasure with its date on the ticket panel', async () => {
    const ticket = await v1(carol)('/v1/tickets').send({ subject: 'Account question', body: 'Hello', category: 'account' }).expect(201);
    const plain = (await admin('agent').get(`/admin/tickets/${ticket.body.id}`).expect(200)).body as TicketJson;
    expect(plain.account?.flags).toEqual([]);

    await admin('privacy').post('/admin/legal-holds').send({ scopeType: 'user', scopeId: carol.id, reason: 'Litigation: preserve records', requestedBy: 'Legal' }).expect(201);
    const erasure = await t.app.get(ErasureService).schedule({ userId: carol.id, reason: 'Deletion asked for', actor: { type: 'staff', id: staff.admin.id, role: 'admin' } });
    const day = new Date(erasure.runAfter).toISOString().slice(0, 10);

    const flagged = (await admin('agent').get(`/admin/tickets/${ticket.body.id}`).expect(200)).body as TicketJson;
    const flags = flagged.account?.flags ?? [];
    expect(flags.find((f) => f.key === 'legal_hold')?.label).toContain('Litigation: preserve records');
    expect(flags.filter((f) => f.key === 'pending_deletion')).toEqual([{ key: 'pending_deletion', label: `Account erasure scheduled for ${day}` }]);
  });

  it('converts a signed-in user’s privacy ticket into a verified request of the chosen type, linked both ways, with the acknowledgement email', async () => {
    const ticket = await v1(bob)('/v1/tickets').send({ subject: 'My data', body: 'Please send me a copy of everything you hold about me.', category: 'privacy' }).expect(201);
    const requestsOfBob = async (): Promise<number> => ((await ds.query(`SELECT count(*)::int AS n FROM privacy_requests WHERE user_id = $1`, [bob.id])) as Array<{ n: number }>)[0]?.n ?? -1;

    const missing = await admin('privacy').post(`/admin/tickets/${ticket.body.id}/convert-to-privacy-request`).send({}).expect(422);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(missing.body.errors as object)).toEqual(['type']);
    const unknown = await admin('privacy').post(`/admin/tickets/${ticket.body.id}/convert-to-privacy-request`).send({ type: 'everything' }).expect(422);
    expect(unknown.body.errors).toHaveProperty('type');
    expect(await requestsOfBob()).toBe(0);
    const [unchanged] = (await ds.query(`SELECT privacy_request_id AS id FROM support_tickets WHERE id = $1`, [ticket.body.id])) as Array<{ id: string | null }>;
    expect(unchanged?.id).toBeNull();

    const converted = (await admin('privacy').post(`/admin/tickets/${ticket.body.id}/convert-to-privacy-request`).send({ type: 'access' }).expect(200)).body as TicketJson;
    const requestId = converted.privacyRequestId;
    expect(requestId).toEqual(expect.any(String));
    const [pr] = (await ds.query(`SELECT type, status, requester_type AS "requesterType", user_id AS "userId", email, details, ticket_id AS "ticketId" FROM privacy_requests WHERE id = $1`, [
      requestId,
    ])) as Array<Record<string, unknown>>;
    expect(pr).toMatchObject({ type: 'access', status: 'verified', requesterType: 'self', userId: bob.id, email: 'bob.integrations@example.test', ticketId: ticket.body.id });
    expect(pr?.details).toContain('Please send me a copy of everything you hold about me.');
    const mails = (await ds.query(`SELECT kind, recipient, class FROM notifications WHERE recipient = $1 AND kind LIKE 'privacy.%'`, ['bob.integrations@example.test'])) as Array<Record<string, string>>;
    expect(mails).toEqual([{ kind: 'privacy.request_received', recipient: 'bob.integrations@example.test', class: 'service_critical' }]);

    const detail = await admin('privacy').get(`/admin/privacy-requests/${requestId}`).expect(200);
    expect(detail.body).toMatchObject({ id: requestId, ticketId: ticket.body.id, status: 'verified' });
    const mine = await request(t.url).get(`/v1/privacy-requests/${requestId}`).set('Authorization', `Bearer ${bob.token}`).expect(200);
    expect(mine.body).toMatchObject({ id: requestId, type: 'access', status: 'verified' });

    const twice = await admin('privacy').post(`/admin/tickets/${ticket.body.id}/convert-to-privacy-request`).send({ type: 'access' }).expect(409);
    expect(twice.body.code).toBe('PRIVACY_CONVERSION_NOT_ALLOWED');
    expect(await requestsOfBob()).toBe(1);
  });

  it('has a signed-in author re-confirm a deletion by the emailed code, as in the API', async () => {
    const dave = await userWithToken(t.app, 'dave.integrations@example.test');
    const ticket = await v1(dave)('/v1/tickets').send({ subject: 'Delete my account', body: 'Please delete everything.', category: 'privacy' }).expect(201);
    const converted = (await admin('admin').post(`/admin/tickets/${ticket.body.id}/convert-to-privacy-request`).send({ type: 'deletion' }).expect(200)).body as TicketJson;
    const [pr] = (await ds.query(`SELECT status, user_id AS "userId", ticket_id AS "ticketId" FROM privacy_requests WHERE id = $1`, [converted.privacyRequestId])) as Array<Record<string, unknown>>;
    expect(pr).toEqual({ status: 'identity_pending', userId: dave.id, ticketId: ticket.body.id });
    const kinds = ((await ds.query(`SELECT kind FROM notifications WHERE recipient = $1 AND kind LIKE 'privacy.%' ORDER BY kind`, ['dave.integrations@example.test'])) as Array<{ kind: string }>).map((r) => r.kind);
    expect(kinds).toEqual(['privacy.request_received', 'privacy.verification_code']);
  });

  it('starts a guest ticket’s request at identity_pending and emails the usual code with the acknowledgement', async () => {
    const email = 'guest.integrations@example.test';
    const ticket = await ds.transaction((m) =>
      t.app.get(TicketsService).create({ userId: null, requesterEmail: email, channel: 'guest_email', subject: 'Delete me', body: 'Delete whatever you have on me.', category: 'privacy', jobIds: [] }, m),
    );
    const converted = (await admin('privacy').post(`/admin/tickets/${ticket.id}/convert-to-privacy-request`).send({ type: 'deletion' }).expect(200)).body as TicketJson;
    const [pr] = (await ds.query(`SELECT status, user_id AS "userId", email, ticket_id AS "ticketId" FROM privacy_requests WHERE id = $1`, [converted.privacyRequestId])) as Array<Record<string, unknown>>;
    expect(pr).toEqual({ status: 'identity_pending', userId: null, email, ticketId: ticket.id });
    const kinds = ((await ds.query(`SELECT kind FROM notifications WHERE recipient = $1 AND kind LIKE 'privacy.%' ORDER BY kind`, [email])) as Array<{ kind: string }>).map((r) => r.kind);
    expect(kinds).toEqual(['privacy.request_received', 'privacy.verification_code']);
  });
});
