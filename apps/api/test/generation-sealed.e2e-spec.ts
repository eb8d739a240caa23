// Generation at rest (decision 018): prompts, reference images, videos and thumbnails are sealed with
// the owner's data key; every read path opens them, and once the key is destroyed they answer 410
// (lists show a null prompt) and a data backup of them can never be opened again.
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { promptContext } from '../src/generation/generation-job';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { sealBackfill } from '../src/generation/generation-seal-backfill';
import { samplePng } from '../src/generation/simulator/sample-assets';
import { VideoSimulator } from '../src/generation/simulator/video-simulator';
import { OBJECT_STORAGE, StorageService, sealedObjectContext } from '../src/storage/storage.service';
import type { ObjectStorage } from '../src/storage/object-storage';
import { generationEnv, grantCredits, sha256, waitForFinal } from './support/generation-fixtures';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(120_000);

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('generation at rest: sealed with the owner key', () => {
  const sim = new VideoSimulator({ latencyMs: 20, expiresInSeconds: 3600 });
  let t: TestApp;
  let ds: DataSource;
  let raw: ObjectStorage;
  let n = 0;

  beforeAll(async () => {
    await sim.start();
    t = await startTestApp({ env: generationEnv(sim) });
    ds = t.app.get(DataSource);
    raw = t.app.get(OBJECT_STORAGE);
  });
  afterAll(async () => {
    await t?.close();
    await sim.stop();
  });

  async function completedVideo(prompt: string, withReference = false): Promise<{ user: { id: string; token: string }; jobId: string }> {
    n += 1;
    const user = await userWithToken(t.app, `sealed${n}@soar2.test`);
    await grantCredits(t.app, user.id, 50, `test:sealed:${n}`);
    const req = request(t.url).post('/v1/videos').set('authorization', `Bearer ${user.token}`);
    const res = withReference
      ? await req.field('prompt', prompt).field('model', 'sora-2').field('seconds', '4').field('size', '1280x720').attach('inputReference', samplePng(1280, 720), { filename: 'ref.png', contentType: 'image/png' })
      : await req.send({ prompt, model: 'sora-2', seconds: 4, size: '1280x720' });
    expect(res.status).toBe(202);
    const job = await waitForFinal(ds, res.body.id);
    expect(job.status).toBe('completed');
    return { user, jobId: job.id };
  }

  it('stores the prompt and every file sealed, yet serves them in clear to their owner (whole, ranges, 304) and sends the reference to the provider', async () => {
    const { user, jobId } = await completedVideo('A heron fishing at dawn', true);
    const [row] = await ds.query(`SELECT prompt, prompt_sealed, video_sha256, reference_sha256 FROM generation_jobs WHERE id = $1`, [jobId]);
    expect(row.prompt).toBeNull();
    expect((row.prompt_sealed as Buffer).includes(Buffer.from('heron'))).toBe(false);
    // The job records the plaintext's checksum; storage keeps the sealed bytes' own.
    expect(row.video_sha256).toBe(sha256(sim.video));
    expect(row.reference_sha256).toBe(sha256(samplePng(1280, 720)));
    const storedVideo = await raw.get(`generations/${jobId}/video.mp4`);
    const sealedBytes = await readAll(storedVideo.stream);
    expect(storedVideo.metadata['sealed-owner']).toBe(user.id);
    expect(sealedBytes.subarray(0, 4).toString('ascii')).toBe('S2SF');
    expect(sealedBytes.includes(sim.video.subarray(0, 64))).toBe(false);
    // The provider got the prompt in clear (and the reference: the job completed from it).
    const [{ provider_video_ids: providerIds }] = await ds.query(`SELECT provider_video_ids FROM generation_jobs WHERE id = $1`, [jobId]);
    const atProvider = await new OpenAI({ apiKey: 'sk-test', baseURL: sim.url }).videos.retrieve(providerIds[0]);
    expect(atProvider.prompt).toContain('A heron fishing at dawn');

    const view = await request(t.url).get(`/v1/videos/${jobId}`).set('authorization', `Bearer ${user.token}`);
    expect(view.body.prompt).toBe('A heron fishing at dawn');
    const whole = await request(t.url).get(`/v1/videos/${jobId}/content`).set('authorization', `Bearer ${user.token}`).buffer(true).parse(binary);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-length']).toBe(String(sim.video.length));
    expect((whole.body as Buffer).equals(sim.video)).toBe(true);
    for (const [header, start, end] of [['bytes=1000-1099', 1000, 1099], ['bytes=-10', sim.video.length - 10, sim.video.length - 1], ['bytes=40000-', 40000, sim.video.length - 1]] as const) {
      const part = await request(t.url).get(`/v1/videos/${jobId}/content`).set('authorization', `Bearer ${user.token}`).set('range', header).buffer(true).parse(binary);
      expect(part.status).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes ${start}-${end}/${sim.video.length}`);
      expect((part.body as Buffer).equals(sim.video.subarray(start, end + 1))).toBe(true);
    }
    const again = await request(t.url).get(`/v1/videos/${jobId}/content`).set('authorization', `Bearer ${user.token}`).set('if-none-match', whole.headers.etag as string);
    expect(again.status).toBe(304);

    // The access package reads the same records and media through storage: all in clear.
    const [record] = await collectRecords(t.app.get(PersonalDataRegistry).get('generation.jobs')!, { userId: user.id });
    expect(record?.data).toMatchObject({ id: jobId, prompt: 'A heron fishing at dawn', videoSha256: sha256(sim.video) });
    const media = new Map((record?.media ?? []).map((m) => [m.path.split('/')[0], m.storageKey]));
    expect((await readAll((await t.app.get(StorageService).get(media.get('videos')!)).stream)).equals(sim.video)).toBe(true);
    expect((await readAll((await t.app.get(StorageService).get(media.get('reference-images')!)).stream)).equals(samplePng(1280, 720))).toBe(true);
  });

  it('opens arbitrary ranges of a sealed multi-segment object by reading only their segments', async () => {
    const storage = t.app.get(StorageService);
    const { id: owner } = await userWithToken(t.app, 'sealed-ranges@soar2.test');
    const body = randomBytes(300 * 1024 + 123);
    const stored = await storage.put('tests/sealed-ranges.bin', body, { contentType: 'application/octet-stream', sealFor: owner });
    expect(stored.plaintext).toEqual({ size: body.length, sha256: sha256(body) });
    expect((await storage.head('tests/sealed-ranges.bin')).size).toBe(body.length);
    for (const [start, end] of [[0, 0], [65535, 65536], [70000, 250000], [body.length - 1, body.length - 1], [131072, 196607], [0, body.length - 1]] as const) {
      const read = await storage.get('tests/sealed-ranges.bin', { range: { start, end } });
      expect((await readAll(read.stream)).equals(body.subarray(start, end + 1))).toBe(true);
    }
    await expect(storage.get('tests/sealed-ranges.bin', { range: { start: body.length, end: body.length } })).rejects.toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
    // A sealed object copied to another key does not open there.
    const copy = await raw.get('tests/sealed-ranges.bin');
    await raw.put('tests/moved.bin', await readAll(copy.stream), { contentType: 'application/octet-stream', metadata: copy.metadata });
    await expect(readAll((await storage.get('tests/moved.bin')).stream)).rejects.toThrow(/does not open/);
  });

  it('answers 410 DATA_KEY_DESTROYED for the video and its file once the key is destroyed, and lists show a null prompt', async () => {
    const { user, jobId } = await completedVideo('A secret garden in the rain');
    await t.app.get(DataKeysService).destroy(user.id);
    t.app.get(DataKeysService).clearCache();
    const view = await request(t.url).get(`/v1/videos/${jobId}`).set('authorization', `Bearer ${user.token}`);
    expect(view.status).toBe(410);
    expect(view.body.code).toBe('DATA_KEY_DESTROYED');
    const content = await request(t.url).get(`/v1/videos/${jobId}/content`).set('authorization', `Bearer ${user.token}`);
    expect(content.status).toBe(410);
    const list = await request(t.url).get('/v1/videos').set('authorization', `Bearer ${user.token}`);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id: jobId, prompt: null })]);
    await expect(t.app.get(StorageService).get(`generations/${jobId}/video.mp4`)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    // The console shows the job without its prompt, and will not retry it.
    const agent = await issueStaffToken(t.app, await ensureStaff(t.app, 'support_agent'));
    const show = await request(t.url).get(`/admin/generations/${jobId}`).set('authorization', `Bearer ${agent}`);
    expect(show.status).toBe(200);
    expect(show.body).toMatchObject({ id: jobId, prompt: null });
  });

  it('leaves an erased user’s prompt and video unreadable in a backup taken before the erasure (only the key was destroyed)', async () => {
    const { user, jobId } = await completedVideo('A lantern festival over the river');
    // What a data backup holds: the row's sealed prompt and the stored file's bytes (the keystore is never in it).
    const [row] = await ds.query(`SELECT prompt, prompt_sealed FROM generation_jobs WHERE id = $1`, [jobId]);
    const backupFile = await readAll((await raw.get(`generations/${jobId}/video.mp4`)).stream);
    expect(row.prompt).toBeNull();
    const keys = t.app.get(DataKeysService);
    expect(await keys.openText(user.id, row.prompt_sealed, promptContext(jobId))).toBe('A lantern festival over the river');

    await keys.destroy(user.id);
    keys.clearCache();
    // Restored afterwards: the same bytes, opened against the live keystore, never open again.
    await expect(keys.open(user.id, row.prompt_sealed, promptContext(jobId))).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED', status: 410 });
    await expect(keys.openStream(user.id, sealedObjectContext(`generations/${jobId}/video.mp4`))).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    await raw.put(`restored/${jobId}/video.mp4`, backupFile, { contentType: 'video/mp4', metadata: { 'sealed-owner': user.id, 'sealed-segment': '65536' } });
    await expect(t.app.get(StorageService).get(`restored/${jobId}/video.mp4`)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    expect(backupFile.includes(sim.video.subarray(100, 200))).toBe(false);
  });

  it('seal-backfill seals prompts and files stored in clear before, and they still read in clear', async () => {
    const { user, jobId } = await completedVideo('A paper boat on a puddle');
    // As written before decision 018: a clear prompt and a clear file.
    await ds.query(`UPDATE generation_jobs SET prompt = 'A paper boat on a puddle', prompt_sealed = NULL WHERE id = $1`, [jobId]);
    await raw.put(`generations/${jobId}/video.mp4`, sim.video, { contentType: 'video/mp4' });
    const legacy = await request(t.url).get(`/v1/videos/${jobId}/content`).set('authorization', `Bearer ${user.token}`).set('range', 'bytes=10-19').buffer(true).parse(binary);
    expect((legacy.body as Buffer).equals(sim.video.subarray(10, 20))).toBe(true);

    const result = await sealBackfill({ dataSource: ds, dataKeys: t.app.get(DataKeysService), storage: t.app.get(StorageService) }, 2);
    expect(result.prompts).toBeGreaterThanOrEqual(1);
    expect(result.files).toBeGreaterThanOrEqual(1);
    const [row] = await ds.query(`SELECT prompt, prompt_sealed FROM generation_jobs WHERE id = $1`, [jobId]);
    expect(row.prompt).toBeNull();
    expect(await t.app.get(StorageService).sealedOwner(`generations/${jobId}/video.mp4`)).toBe(user.id);
    const view = await request(t.url).get(`/v1/videos/${jobId}`).set('authorization', `Bearer ${user.token}`);
    expect(view.body.prompt).toBe('A paper boat on a puddle');
    const content = await request(t.url).get(`/v1/videos/${jobId}/content`).set('authorization', `Bearer ${user.token}`).buffer(true).parse(binary);
    expect((content.body as Buffer).equals(sim.video)).toBe(true);
    expect(await sealBackfill({ dataSource: ds, dataKeys: t.app.get(DataKeysService), storage: t.app.get(StorageService) })).toEqual({ prompts: 0, files: 0, skipped: 0 });
  });
});
