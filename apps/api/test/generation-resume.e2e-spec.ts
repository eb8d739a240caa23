import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import OpenAI from 'openai';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CreditsService } from '../src/credits/credits.service';
import { VideoSimulator } from '../src/generation/simulator/video-simulator';
import { generationEnv, grantCredits, sha256, storedKeys, waitForFinal } from './support/generation-fixtures';
import { TestDatabase, createTestDatabase } from './support/test-database';
import { TestApp, startTestApp } from './support/test-app';
import { userWithToken } from './support/tokens';

jest.setTimeout(120_000);

// A worker that dies mid-job leaves its lease behind; once the lease lapses, another process's
// sweep hands the job to a worker, which reconciles with the provider instead of paying twice.
describe('generation: a worker killed mid-job', () => {
  const sim = new VideoSimulator({ latencyMs: 60 });
  let db: TestDatabase;
  const apps: TestApp[] = [];
  // Replicas share one database, one object store and the data-key master key (prompts and files are
  // sealed with users' data keys); any of them may finish a job.
  const storageDir = mkdtempSync(path.join(tmpdir(), 'soar2-resume-storage-'));

  beforeAll(async () => {
    await sim.start();
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await sim.stop();
    await db?.drop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  async function app(env: Record<string, string>): Promise<TestApp> {
    const a = await startTestApp({ db, env: generationEnv(sim, { GENERATION_LEASE_MS: '800', STORAGE_DIR: storageDir, DATA_KEY_MASTER_KEYS: `resume:${'r'.repeat(40)}`, ...env }) });
    apps.push(a);
    return a;
  }

  it('died after sending the create: the next worker adopts the provider video the dead one started', async () => {
    const api = await app({ PROCESS_ROLES: 'api' });
    const u = await userWithToken(api.app, 'resume1@soar2.test');
    await grantCredits(api.app, u.id, 50, 'test:resume1');
    const res = await request(api.url).post('/v1/videos').set('authorization', `Bearer ${u.token}`).send({ prompt: 'A kite over the dunes', model: 'sora-2', seconds: 4, size: '1280x720' });
    expect(res.status).toBe(202);
    const ds = api.app.get(DataSource);
    // The dead worker's last acts: it claimed the submission, and its create reached the provider.
    await ds.query(`UPDATE generation_jobs SET stage = 'submitting', status = 'in_progress', submit_started_at = now(), lease_until = now() + interval '800 milliseconds', leased_by = 'dead-worker' WHERE id = $1`, [res.body.id]);
    const before = sim.count('POST /videos');
    await new OpenAI({ apiKey: 'sk-test', baseURL: sim.url }).videos.create({ prompt: 'A kite over the dunes', model: 'sora-2', seconds: '4', size: '1280x720' });

    const worker = await app({ PROCESS_ROLES: 'worker,scheduler' });
    const job = await waitForFinal(ds, res.body.id);
    expect(job).toMatchObject({ status: 'completed', credits_outcome: 'captured' });
    expect(sim.count('POST /videos') - before).toBe(1);
    expect(job.video_sha256).toBe(sha256(sim.video));
    expect(await worker.app.get(CreditsService).summary(u.id)).toEqual({ balance: 46, held: 0, available: 46 });
    expect(await storedKeys(worker.app, job.id)).toEqual(['thumbnail', 'video.mp4']);
  });

  it('stopped while polling: another process resumes the job and finishes it once', async () => {
    sim.options.latencyMs = 2500;
    const first = await app({});
    const u = await userWithToken(first.app, 'resume2@soar2.test');
    await grantCredits(first.app, u.id, 50, 'test:resume2');
    const before = sim.count('POST /videos');
    const res = await request(first.url).post('/v1/videos').set('authorization', `Bearer ${u.token}`).send({ prompt: 'Rain on a tin roof', model: 'sora-2', seconds: 4, size: '1280x720' });
    const ds = first.app.get(DataSource);
    for (;;) {
      const [row] = (await ds.query(`SELECT stage FROM generation_jobs WHERE id = $1`, [res.body.id])) as Array<{ stage: string }>;
      if (row?.stage === 'generating') break;
      await new Promise((r) => setTimeout(r, 20));
    }
    await first.close();
    apps.splice(apps.indexOf(first), 1);
    sim.options.latencyMs = 60;

    const second = await app({});
    const job = await waitForFinal(second.app.get(DataSource), res.body.id);
    expect(job).toMatchObject({ status: 'completed', credits_outcome: 'captured' });
    expect(sim.count('POST /videos') - before).toBe(1);
    expect(await second.app.get(CreditsService).summary(u.id)).toEqual({ balance: 46, held: 0, available: 46 });
    expect(await storedKeys(second.app, job.id)).toEqual(['thumbnail', 'video.mp4']);
  });
});
