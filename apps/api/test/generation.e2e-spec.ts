import OpenAI from 'openai';
import request from 'supertest';
import { ConsentService } from '../src/consent/consent.service';
import { RetentionService } from '../src/retention/retention.service';
import { DataSource } from 'typeorm';
import { CreditsService } from '../src/credits/credits.service';
import { GenerationService } from '../src/generation/generation.service';
import { samplePng } from '../src/generation/simulator/sample-assets';
import { VideoSimulator, signWebhook } from '../src/generation/simulator/video-simulator';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { WEBHOOK_SECRET, generationEnv, grantCredits, sha256, storedKeys, waitForFinal } from './support/generation-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, userWithToken } from './support/tokens';

jest.setTimeout(120_000);

describe('generation: /v1/videos end to end against the simulator (real openai SDK over HTTP)', () => {
  const sim = new VideoSimulator({ latencyMs: 60, expiresInSeconds: 3600 });
  let t: TestApp;
  let ds: DataSource;
  let credits: CreditsService;
  let n = 0;

  beforeAll(async () => {
    await sim.start();
    t = await startTestApp({ env: generationEnv(sim) });
    ds = t.app.get(DataSource);
    credits = t.app.get(CreditsService);
  });
  afterAll(async () => {
    await t?.close();
    await sim.stop();
  });
  afterEach(() => sim.clearFaults());

  /** A fresh user with `amount` credits. */
  async function user(amount = 100): Promise<{ id: string; token: string }> {
    n += 1;
    const u = await userWithToken(t.app, `gen${n}@soar2.test`);
    if (amount > 0) await grantCredits(t.app, u.id, amount, `test:gen:${n}`);
    return u;
  }

  async function start(token: string, body: Record<string, unknown> = {}): Promise<string> {
    const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${token}`).send({ prompt: 'A red fox walks through fresh snow', model: 'sora-2', seconds: 4, size: '1280x720', ...body });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued' });
    return res.body.id as string;
  }

  it('makes a 20-second video as a 12 s create plus an 8 s extension under one hold, stores it with its checksum and captures the credits', async () => {
    const u = await user(100);
    const createsBefore = sim.count('POST /videos');
    const extendsBefore = sim.count('POST /videos/extensions');
    const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${u.token}`).send({ prompt: 'A lighthouse at dusk', model: 'sora-2', seconds: 20, size: '1280x720', style: 'cinematic' });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'queued', creditsHeld: 20, seconds: 20 });
    expect(await credits.summary(u.id)).toEqual({ balance: 100, held: 20, available: 80 });

    const job = await waitForFinal(ds, res.body.id);
    expect(job).toMatchObject({ status: 'completed', credits_outcome: 'captured', error_class: null });
    expect(job.provider_video_ids).toHaveLength(2);
    expect(sim.count('POST /videos') - createsBefore - (sim.count('POST /videos/extensions') - extendsBefore)).toBe(1);
    expect(sim.count('POST /videos/extensions') - extendsBefore).toBe(1);
    expect(job.video_sha256).toBe(sha256(sim.video));
    expect(await credits.summary(u.id)).toEqual({ balance: 80, held: 0, available: 80 });
    expect(await storedKeys(t.app, job.id)).toEqual(['thumbnail', 'video.mp4']);

    const view = await request(t.url).get(`/v1/videos/${job.id}`).set('authorization', `Bearer ${u.token}`);
    expect(view.body).toMatchObject({ status: 'completed', progress: 100, creditsHeld: 0, error: null, hasThumbnail: true });
    const list = await request(t.url).get('/v1/videos').set('authorization', `Bearer ${u.token}`);
    expect(list.body.data.map((v: { id: string }) => v.id)).toEqual([job.id]);

    const content = await request(t.url).get(`/v1/videos/${job.id}/content`).set('authorization', `Bearer ${u.token}`).buffer(true).parse(binary);
    expect(content.status).toBe(200);
    expect(content.headers['content-type']).toBe('video/mp4');
    expect(sha256(content.body as Buffer)).toBe(sha256(sim.video));
    const range = await request(t.url).get(`/v1/videos/${job.id}/content`).set('authorization', `Bearer ${u.token}`).set('range', 'bytes=0-99').buffer(true).parse(binary);
    expect(range.status).toBe(206);
    expect((range.body as Buffer).equals(sim.video.subarray(0, 100))).toBe(true);
    const thumb = await request(t.url).get(`/v1/videos/${job.id}/content?variant=thumbnail`).set('authorization', `Bearer ${u.token}`).buffer(true).parse(binary);
    expect(thumb.status).toBe(200);
    expect((thumb.body as Buffer).equals(sim.thumbnail)).toBe(true);

    const events: Array<{ event: string }> = await ds.query(`SELECT event FROM generation_job_events WHERE job_id = $1 ORDER BY id`, [job.id]);
    expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['created', 'submitting', 'submitted', 'segment_completed', 'provider_completed', 'completed']));
    // Another user cannot see it.
    const other = await user(0);
    expect((await request(t.url).get(`/v1/videos/${job.id}`).set('authorization', `Bearer ${other.token}`)).status).toBe(404);
  });

  it('takes a multipart reference image, sends it to the provider and keeps it with the job', async () => {
    const u = await user(100);
    const png = samplePng(1280, 720);
    const res = await request(t.url)
      .post('/v1/videos')
      .set('authorization', `Bearer ${u.token}`)
      .field('prompt', 'The picture comes alive')
      .field('model', 'sora-2')
      .field('seconds', '4')
      .field('size', '1280x720')
      .attach('inputReference', png, { filename: 'ref.png', contentType: 'image/png' });
    expect(res.status).toBe(202);
    const job = await waitForFinal(ds, res.body.id);
    expect(job.status).toBe('completed');
    expect(await storedKeys(t.app, job.id)).toEqual(['reference.png', 'thumbnail', 'video.mp4']);
    expect(await credits.summary(u.id)).toEqual({ balance: 96, held: 0, available: 96 });
  });

  it('refuses bad requests with reasons, before holding anything', async () => {
    const u = await user(100);
    const auth = { authorization: `Bearer ${u.token}` };
    const bad = await request(t.url).post('/v1/videos').set(auth).send({ prompt: '', model: 'sora-2', seconds: 7, size: '1792x1024' });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.errors).sort()).toEqual(['prompt', 'seconds', 'size']);
    const wrongDims = await request(t.url).post('/v1/videos').set(auth).field('prompt', 'x').field('model', 'sora-2').field('seconds', '4').field('size', '1280x720')
      .attach('inputReference', samplePng(64, 36), { filename: 'ref.png', contentType: 'image/png' });
    expect(wrongDims.status).toBe(422);
    expect(wrongDims.body.errors.inputReference).toMatch(/64x36/);
    const gif = await request(t.url).post('/v1/videos').set(auth).field('prompt', 'x').field('model', 'sora-2').field('seconds', '4').field('size', '1280x720')
      .attach('inputReference', Buffer.from('GIF89a'), { filename: 'ref.gif', contentType: 'image/gif' });
    expect(gif.status).toBe(422);
    const blocked = await request(t.url).post('/v1/videos').set(auth).send({ prompt: 'a Gore-Video of a fight', model: 'sora-2', seconds: 4, size: '1280x720' });
    expect(blocked.status).toBe(422);
    expect(blocked.body).toMatchObject({ code: 'PROMPT_BLOCKED' });
    const poor = await user(3);
    const short = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${poor.token}`).send({ prompt: 'a cat', model: 'sora-2', seconds: 4, size: '1280x720' });
    expect(short.status).toBe(402);
    expect(short.body).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
    expect(await credits.summary(u.id)).toEqual({ balance: 100, held: 0, available: 100 });
    const jobs: unknown[] = await ds.query(`SELECT id FROM generation_jobs WHERE user_id = ANY($1::uuid[])`, [[u.id, poor.id]]);
    expect(jobs).toHaveLength(0);
  });

  it('refuses a restricted account with 403 PROCESSING_RESTRICTED', async () => {
    const u = await user(100);
    await ds.query(`UPDATE users SET status = 'restricted' WHERE id = $1`, [u.id]);
    const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${u.token}`).send({ prompt: 'a cat', model: 'sora-2', seconds: 4, size: '1280x720' });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'PROCESSING_RESTRICTED' });
    expect(await credits.summary(u.id)).toEqual({ balance: 100, held: 0, available: 100 });
  });

  describe('faults', () => {
    it.each([
      ['create', 'http500'],
      ['create', 'http429'],
      ['create', 'hang'],
      ['retrieve', 'http500'],
      ['retrieve', 'http429'],
      ['retrieve', 'hang'],
      ['content', 'http500'],
      ['content', 'hang'],
      ['content', 'cut'],
      ['content', 'stall'],
    ] as const)('%s answering %s: retried, the video completes once, credits captured exactly, no stray files', async (op, kind) => {
      const u = await user(50);
      const live = new Set(sim.liveVideoIds());
      sim.addFault(op, kind, 2);
      const id = await start(u.token);
      const job = await waitForFinal(ds, id);
      expect(job).toMatchObject({ status: 'completed', credits_outcome: 'captured' });
      expect(job.video_sha256).toBe(sha256(sim.video));
      // Exactly one provider video was started for the job.
      expect(sim.liveVideoIds().filter((v) => !live.has(v))).toEqual(job.provider_video_ids);
      expect(await credits.summary(u.id)).toEqual({ balance: 46, held: 0, available: 46 });
      expect(await storedKeys(t.app, id)).toEqual(['thumbnail', 'video.mp4']);
      const retries: unknown[] = await ds.query(`SELECT 1 FROM generation_job_events WHERE job_id = $1 AND event LIKE '%_failed'`, [id]);
      expect(retries.length).toBeGreaterThanOrEqual(1);
    });

    it('a create whose answer is lost after the provider started the video is reconciled by listing, not sent again', async () => {
      const u = await user(50);
      const before = sim.count('POST /videos');
      sim.addFault('create', 'hang_after_commit', 1);
      const id = await start(u.token, { prompt: 'A lost answer over the sea' });
      const job = await waitForFinal(ds, id);
      expect(job.status).toBe('completed');
      expect(sim.count('POST /videos') - before).toBe(1);
      const events: Array<{ event: string; detail: { found?: boolean } }> = await ds.query(`SELECT event, detail FROM generation_job_events WHERE job_id = $1 ORDER BY id`, [id]);
      expect(events.find((e) => e.event === 'reconciled')?.detail.found).toBe(true);
      expect(events.map((e) => e.event)).toContain('adopted');
      expect(await credits.summary(u.id)).toEqual({ balance: 46, held: 0, available: 46 });
    });

    it.each([
      ['moderation', 'moderation_blocked'],
      ['failed', 'internal'],
      ['expired', 'asset_expired'],
    ] as const)('a provider outcome "%s" ends the job as %s and releases the hold', async (outcome, errorClass) => {
      const u = await user(50);
      sim.queueOutcome(outcome);
      const id = await start(u.token);
      const job = await waitForFinal(ds, id);
      expect(job).toMatchObject({ status: 'failed', error_class: errorClass, credits_outcome: 'released' });
      if (outcome === 'moderation') expect(job.moderation_reason).toMatch(/moderation/);
      expect(await credits.summary(u.id)).toEqual({ balance: 50, held: 0, available: 50 });
      expect(await storedKeys(t.app, id)).toEqual([]);
      const view = await request(t.url).get(`/v1/videos/${id}`).set('authorization', `Bearer ${u.token}`);
      expect(view.body).toMatchObject({ status: 'failed', error: { code: errorClass } });
      expect((await request(t.url).get(`/v1/videos/${id}/content`).set('authorization', `Bearer ${u.token}`)).status).toBe(409);
    });

    it('gives up on a provider that keeps failing: the job fails with the classified error and the credits come back', async () => {
      const u = await user(50);
      sim.addFault('create', 'http500', 100);
      const id = await start(u.token);
      const job = await waitForFinal(ds, id);
      expect(job).toMatchObject({ status: 'failed', error_class: 'provider_unavailable', credits_outcome: 'released' });
      expect(await credits.summary(u.id)).toEqual({ balance: 50, held: 0, available: 50 });
      expect(await storedKeys(t.app, id)).toEqual([]);
    });
  });

  describe('webhooks', () => {
    it('refuses a bad signature, refreshes the job on a verified event, and ignores a duplicate', async () => {
      const u = await user(50);
      const id = await start(u.token);
      const job = await waitForFinal(ds, id);
      const videoId = job.provider_video_ids[0] as string;
      const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'video.completed', created_at: Math.floor(Date.now() / 1000), data: { id: videoId } });

      const forged = signWebhook('whsec_' + Buffer.from('not-the-secret-at-all-0000').toString('base64'), payload, 'wh_forged');
      const bad = await request(t.url).post('/webhooks/video-provider').set(forged).set('content-type', 'application/json').send(payload);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 'WEBHOOK_SIGNATURE_INVALID' });

      const stale = signWebhook(WEBHOOK_SECRET, payload, 'wh_stale', Math.floor(Date.now() / 1000) - 3600);
      expect((await request(t.url).post('/webhooks/video-provider').set(stale).set('content-type', 'application/json').send(payload)).status).toBe(400);

      const headers = signWebhook(WEBHOOK_SECRET, payload, 'wh_dup');
      // The SDK itself accepts what we accept.
      await expect(new OpenAI({ apiKey: 'x', webhookSecret: WEBHOOK_SECRET }).webhooks.unwrap(payload, headers)).resolves.toMatchObject({ type: 'video.completed' });
      const first = await request(t.url).post('/webhooks/video-provider').set(headers).set('content-type', 'application/json').send(payload);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ received: true, duplicate: false, jobId: id });
      const again = await request(t.url).post('/webhooks/video-provider').set(headers).set('content-type', 'application/json').send(payload);
      expect(again.body).toEqual({ received: true, duplicate: true, jobId: null });
      expect(await waitForFinal(ds, id)).toMatchObject({ status: 'completed', credits_outcome: 'captured' });
      expect(await credits.summary(u.id)).toEqual({ balance: 46, held: 0, available: 46 });
    });
  });

  it('remixes a completed video as a new job with its own hold; deleting asks the provider to delete its copy', async () => {
    const u = await user(50);
    const id = await start(u.token);
    const source = await waitForFinal(ds, id);
    const remix = await request(t.url).post(`/v1/videos/${id}/remix`).set('authorization', `Bearer ${u.token}`).send({ prompt: 'Same, but at night' });
    expect(remix.status).toBe(202);
    const remixed = await waitForFinal(ds, remix.body.id);
    expect(remixed.status).toBe('completed');
    expect(await credits.summary(u.id)).toEqual({ balance: 42, held: 0, available: 42 });

    const del = await request(t.url).delete(`/v1/videos/${id}`).set('authorization', `Bearer ${u.token}`);
    expect(del.status).toBe(204);
    expect((await request(t.url).get(`/v1/videos/${id}`).set('authorization', `Bearer ${u.token}`)).status).toBe(404);
    expect(sim.liveVideoIds()).not.toContain(source.provider_video_ids[0]);
    const [row] = (await ds.query(`SELECT deleted_at, provider_deleted_at FROM generation_jobs WHERE id = $1`, [id])) as Array<{ deleted_at: Date | null; provider_deleted_at: Date | null }>;
    expect(row?.deleted_at).not.toBeNull();
    expect(row?.provider_deleted_at).not.toBeNull();
  });

  it('exports and erases a user’s jobs through the personal-data registry (files, provider copies, rows)', async () => {
    const u = await user(50);
    const id = await start(u.token, { prompt: 'A dog on a beach' });
    const job = await waitForFinal(ds, id);
    const source = t.app.get(PersonalDataRegistry).get('generation.jobs');
    expect(source).toBeDefined();
    if (!source) return;
    const records = await collectRecords(source, { userId: u.id });
    expect(records[0]?.data).toMatchObject({ id, prompt: 'A dog on a beach', status: 'completed' });
    expect(records[0]?.media?.map((m) => m.path)).toEqual([`videos/${id}.mp4`, `thumbnails/${id}.png`]);
    expect(records[1]?.data).toMatchObject({ type: 'preferences', jobs: 1, promptTypes: { animals: 1 } });

    const outcome = await source.erase({ userId: u.id });
    expect(outcome).toMatchObject({ deleted: 1, systemsReached: ['video-provider'] });
    expect(await storedKeys(t.app, id)).toEqual([]);
    expect(sim.liveVideoIds()).not.toContain(job.provider_video_ids[0]);
    expect(await ds.query(`SELECT id FROM generation_jobs WHERE user_id = $1`, [u.id])).toEqual([]);
    expect(await source.erase({ userId: u.id })).toMatchObject({ deleted: 0 });
    expect(await credits.summary(u.id)).toEqual({ balance: 46, held: 0, available: 46 });
  });

  it('skips preference aggregation for a restricted user', async () => {
    const u = await user(50);
    const id = await start(u.token);
    await waitForFinal(ds, id);
    const u2 = await user(50);
    const id2 = await start(u2.token);
    await ds.query(`UPDATE users SET status = 'restricted' WHERE id = $1`, [u2.id]);
    await waitForFinal(ds, id2);
    const prefs: Array<{ user_id: string }> = await ds.query(`SELECT user_id FROM generation_preferences WHERE user_id = ANY($1::uuid[])`, [[u.id, u2.id]]);
    // u2 may or may not have finished before the restriction; u always counts.
    expect(prefs.map((p) => p.user_id)).toContain(u.id);
    void t.app.get(GenerationService);
  });

  it('purges videos the user deleted once their retention period is over, except those under a legal hold', async () => {
    const u = await user(50);
    const gone = await start(u.token, { prompt: 'A paper boat in the rain' });
    const kept = await start(u.token, { prompt: 'A paper plane over the city' });
    await waitForFinal(ds, gone);
    await waitForFinal(ds, kept);
    for (const id of [gone, kept]) await request(t.url).delete(`/v1/videos/${id}`).set('authorization', `Bearer ${u.token}`).expect(204);
    await ds.query(`UPDATE generation_jobs SET deleted_at = now() - interval '40 days' WHERE id = ANY($1::uuid[])`, [[gone, kept]]);
    const staffId = await ensureStaff(t.app, 'privacy_officer');
    await ds.query(`INSERT INTO legal_holds (scope_type, scope_id, reason, requested_by, created_by) VALUES ('job', $1, 'evidence in a dispute', 'counsel', $2)`, [kept, staffId]);

    const retention = t.app.get(RetentionService);
    const [{ id: policyId }] = await ds.query(`SELECT id FROM retention_policies WHERE category = 'user_deleted_videos'`);
    const run = await retention.startRun(policyId, 'manual', { type: 'staff', id: staffId, role: 'privacy_officer' });
    const done = await retention.execute(run.id);
    expect(done).toMatchObject({ status: 'completed', deleted: 1, skippedOnHold: 1 });
    expect(await ds.query(`SELECT id FROM generation_jobs WHERE id = ANY($1::uuid[])`, [[gone, kept]])).toEqual([{ id: kept }]);
    expect(await storedKeys(t.app, gone)).toEqual([]);
  });

  it('skips preference aggregation once the user withdrew analytics consent in the ledger', async () => {
    const u = await user(50);
    await t.app.get(ConsentService).record({ userId: u.id, purpose: 'analytics', granted: false, source: 'user' });
    const id = await start(u.token);
    await waitForFinal(ds, id);
    expect(await ds.query(`SELECT user_id FROM generation_preferences WHERE user_id = $1`, [u.id])).toEqual([]);
  });
});

/** supertest parser that keeps the body as bytes. */
function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}
