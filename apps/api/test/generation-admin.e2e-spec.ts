import request from 'supertest';
import { DataSource } from 'typeorm';
import { CreditsService } from '../src/credits/credits.service';
import { VideoSimulator } from '../src/generation/simulator/video-simulator';
import { generationEnv, grantCredits, loseVideo, storedKeys, waitForFinal } from './support/generation-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(120_000);

interface AuditRow {
  action: string;
  actor_id: string;
  subject_id: string;
  details: Record<string, unknown>;
}

describe('generation: support operations (/admin/generations)', () => {
  const sim = new VideoSimulator({ latencyMs: 60 });
  let t: TestApp;
  let ds: DataSource;
  let credits: CreditsService;
  let agent: string;
  let agentId: string;
  let user: { id: string; token: string };
  let failedId: string;
  let completedId: string;

  beforeAll(async () => {
    await sim.start();
    t = await startTestApp({ env: generationEnv(sim) });
    ds = t.app.get(DataSource);
    credits = t.app.get(CreditsService);
    agentId = await ensureStaff(t.app, 'support_agent');
    agent = await issueStaffToken(t.app, agentId);
    user = await userWithToken(t.app, 'unlucky.customer@soar2.test');
    await grantCredits(t.app, user.id, 100, 'test:admin-gen');
    const start = async (prompt: string): Promise<string> => {
      const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${user.token}`).send({ prompt, model: 'sora-2', seconds: 8, size: '1280x720' });
      return res.body.id as string;
    };
    sim.queueOutcome('moderation');
    failedId = await start('A crowded street market');
    await waitForFinal(ds, failedId);
    completedId = await start('A quiet harbour at dawn');
    await waitForFinal(ds, completedId);
  });
  afterAll(async () => {
    await t?.close();
    await sim.stop();
  });

  const admin = (path: string) => request(t.url).get(path).set('authorization', `Bearer ${agent}`);
  const act = (id: string, verb: string, reason = 'Ticket T-1: customer report') => request(t.url).post(`/admin/generations/${id}/${verb}`).set('authorization', `Bearer ${agent}`).send({ reason });
  const audit = async (action: string, id: string): Promise<AuditRow[]> => ds.query(`SELECT action, actor_id, subject_id, details FROM audit_log WHERE action = $1 AND subject_id = $2`, [action, id]);

  it('lists jobs filtered by user email, status, error class, model and dates', async () => {
    const byEmail = await admin(`/admin/generations?filter=${encodeURIComponent(JSON.stringify({ email: 'unlucky.customer' }))}`);
    expect(byEmail.status).toBe(200);
    expect(byEmail.headers['content-range']).toBe('generations 0-1/2');
    expect(byEmail.body.map((r: { id: string }) => r.id).sort()).toEqual([failedId, completedId].sort());
    expect(byEmail.body[0]).toMatchObject({ userEmail: 'unlucky.customer@soar2.test', model: 'sora-2' });
    const failed = await admin(`/admin/generations?filter=${encodeURIComponent(JSON.stringify({ email: 'unlucky', status: 'failed', errorClass: 'moderation_blocked', model: 'sora-2', createdFrom: '2000-01-01' }))}`);
    expect(failed.body.map((r: { id: string }) => r.id)).toEqual([failedId]);
    const none = await admin(`/admin/generations?filter=${encodeURIComponent(JSON.stringify({ email: 'unlucky', createdBefore: '2000-01-01' }))}`);
    expect(none.body).toEqual([]);
    const bad = await admin(`/admin/generations?filter=${encodeURIComponent(JSON.stringify({ status: 'nope' }))}`);
    expect(bad.status).toBe(422);
  });

  it('shows everything about a job, including its credit entries and timeline, and audits the read', async () => {
    const res = await admin(`/admin/generations/${failedId}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: failedId,
      prompt: 'A crowded street market',
      model: 'sora-2',
      seconds: 8,
      size: '1280x720',
      status: 'failed',
      errorClass: 'moderation_blocked',
      provider: 'openai',
      video: { stored: false },
      linkedTickets: [],
    });
    expect(res.body.moderationReason).toMatch(/moderation/);
    expect(res.body.providerVideoId).toMatch(/^video_/);
    expect(res.body.creditEntries.map((e: { kind: string }) => e.kind)).toEqual(['hold', 'release']);
    expect(res.body.timeline.map((e: { event: string }) => e.event)).toEqual(expect.arrayContaining(['created', 'submitting', 'failed']));
    expect(await audit('generation.read', failedId)).toHaveLength(1);
    const done = await admin(`/admin/generations/${completedId}`);
    expect(done.body).toMatchObject({ status: 'completed', video: { stored: true }, thumbnail: { stored: true } });
    expect(done.body.creditEntries.map((e: { kind: string }) => e.kind)).toEqual(['hold', 'capture']);
  });

  it('refunds captured credits once, with the reason audited; a released hold cannot be refunded', async () => {
    expect((await act(failedId, 'refund')).status).toBe(409);
    const before = await credits.summary(user.id);
    const res = await act(completedId, 'refund', 'Ticket T-2: video unusable');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ creditsOutcome: 'refunded' });
    expect(res.body.creditEntries.map((e: { kind: string }) => e.kind)).toEqual(['hold', 'capture', 'refund']);
    expect((await credits.summary(user.id)).balance).toBe(before.balance + 8);
    const [entry] = await audit('generation.refund', completedId);
    expect(entry).toMatchObject({ actor_id: agentId, details: expect.objectContaining({ reason: 'Ticket T-2: video unusable', credits: 8 }) });
    expect((await act(completedId, 'refund')).status).toBe(409);
    expect((await credits.summary(user.id)).balance).toBe(before.balance + 8);
    expect((await act(completedId, 'refund', '')).status).toBe(422);
  });

  it('retries a failed job as a new job with credits held again, and re-copies a completed video', async () => {
    const before = await credits.summary(user.id);
    const res = await act(failedId, 'retry');
    expect(res.status).toBe(200);
    expect(res.body.id).not.toBe(failedId);
    expect(res.body).toMatchObject({ kind: 'retry', sourceJobId: failedId });
    const retried = await waitForFinal(ds, res.body.id);
    expect(retried.status).toBe('completed');
    expect((await credits.summary(user.id)).balance).toBe(before.balance - 8);
    expect(await audit('generation.retry', failedId)).toHaveLength(1);

    const recopy = await act(res.body.id, 'recopy');
    expect(recopy.status).toBe(200);
    expect(recopy.body.video).toMatchObject({ stored: true });
    expect(await audit('generation.recopy', res.body.id)).toHaveLength(1);
  });

  it('cancels a running job (hold released) and deletes a job (provider asked to delete its copy)', async () => {
    sim.addFault('create', 'hang', 20);
    const started = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${user.token}`).send({ prompt: 'Never finishes', model: 'sora-2', seconds: 4, size: '1280x720' });
    const before = await credits.summary(user.id);
    expect(before.held).toBe(4);
    const cancel = await act(started.body.id, 'cancel');
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({ status: 'canceled', creditsOutcome: 'released' });
    sim.clearFaults();
    expect(await credits.summary(user.id)).toEqual({ ...before, held: 0, available: before.available + 4 });
    expect((await act(started.body.id, 'cancel')).status).toBe(409);
    expect(await storedKeys(t.app, started.body.id)).toEqual([]);

    const del = await act(completedId, 'delete');
    expect(del.status).toBe(200);
    expect(del.body.deleted).toBe(true);
    expect(sim.liveVideoIds()).not.toContain(del.body.providerVideoId);
    expect(await audit('generation.delete', completedId)).toHaveLength(1);
  });

  it('reports the provider, a user’s failure rate and the success rate per day', async () => {
    const provider = await admin('/admin/generations/provider');
    expect(provider.body).toMatchObject({ name: 'openai', simulator: false });
    const stats = await admin(`/admin/generations/user-stats/${user.id}`);
    expect(stats.body).toMatchObject({ failed: 1, completed: 2 });
    expect(stats.body.failureRate).toBeCloseTo(1 / 3, 2);
    const report = await admin('/admin/reports/generations?days=7');
    expect(report.status).toBe(200);
    const today = report.body[report.body.length - 1];
    expect(today).toMatchObject({ failed: 1, completed: 2, moderation_blocked: 1 });
  });

  it('denies roles without the permission', async () => {
    const auditorId = await ensureStaff(t.app, 'auditor');
    const auditor = await issueStaffToken(t.app, auditorId);
    expect((await request(t.url).get('/admin/generations').set('authorization', `Bearer ${auditor}`)).status).toBe(403);
    const officerId = await ensureStaff(t.app, 'privacy_officer');
    const officer = await issueStaffToken(t.app, officerId);
    expect((await request(t.url).post(`/admin/generations/${failedId}/refund`).set('authorization', `Bearer ${officer}`).send({ reason: 'not mine to do' })).status).toBe(403);
    // A user token is not a console session.
    expect((await request(t.url).get('/admin/generations').set('authorization', `Bearer ${user.token}`)).status).toBe(401);
  });
});

describe('generation: a charged job whose video is lost', () => {
  const sim = new VideoSimulator({ latencyMs: 30 });
  let t: TestApp;

  beforeAll(async () => {
    await sim.start();
    t = await startTestApp({ env: generationEnv(sim) });
  });
  afterAll(async () => {
    await t?.close();
    await sim.stop();
  });

  it('re-copy finds neither our copy nor the provider’s: the job becomes failed (asset_expired) and its spent credits can be refunded', async () => {
    const ds = t.app.get(DataSource);
    const agent = await issueStaffToken(t.app, await ensureStaff(t.app, 'support_agent'));
    const u = await userWithToken(t.app, 'lost.video@soar2.test');
    await grantCredits(t.app, u.id, 100, 'test:lost');
    const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${u.token}`).send({ prompt: 'A paper boat', model: 'sora-2', seconds: 4, size: '1280x720' });
    const job = await waitForFinal(ds, res.body.id);
    await loseVideo(t.app, sim, job.id, job.provider_video_ids);
    const recopy = await request(t.url).post(`/admin/generations/${job.id}/recopy`).set('authorization', `Bearer ${agent}`).send({ reason: 'Ticket T-9: video will not play' });
    expect(recopy.status).toBe(200);
    expect(recopy.body).toMatchObject({ status: 'failed', errorClass: 'asset_expired', creditsOutcome: 'captured', userCredits: { balance: 96 } });
    const refund = await request(t.url).post(`/admin/generations/${job.id}/refund`).set('authorization', `Bearer ${agent}`).send({ reason: 'Ticket T-9: charged, no video' });
    expect(refund.body).toMatchObject({ creditsOutcome: 'refunded', userCredits: { balance: 100, held: 0, available: 100 } });
  });
});
