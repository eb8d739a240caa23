// Erasure time for one user with 10,000 video jobs: every job has a sealed prompt, a sealed video and
// thumbnail in storage and a copy at the provider (the in-process simulator over HTTP), so the
// erasure does what it does in production — provider deletes, file deletes, row deletes, every other
// eraser, the key destruction and the signed certificate.
import { randomBytes, randomUUID, createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);

const JOBS = Number(process.env.BENCH_ERASURE_JOBS ?? 10_000);

export async function benchErasure({ app, dist, record, concurrently }) {
  const { DataSource } = require('typeorm');
  const { UsersService } = require(path.join(dist, 'identity/users.service.js'));
  const { DataKeysService } = require(path.join(dist, 'data-keys/data-keys.service.js'));
  const { StorageService } = require(path.join(dist, 'storage/storage.service.js'));
  const { ErasureService } = require(path.join(dist, 'retention/erasure.service.js'));
  const { jobKeys } = require(path.join(dist, 'generation/generation-settings.js'));
  const { promptContext } = require(path.join(dist, 'generation/generation-job.js'));
  const ds = app.get(DataSource);
  const keys = app.get(DataKeysService);
  const storage = app.get(StorageService);
  const erasures = app.get(ErasureService);
  const provider = 'simulator';

  const user = await app.get(UsersService).ensure('bench.erasure@soar2.local', 'Bench Erasure', 'EU');
  const video = randomBytes(64 * 1024);
  const thumbnail = randomBytes(4 * 1024);
  const videoSha = createHash('sha256').update(video).digest('hex');
  const thumbSha = createHash('sha256').update(thumbnail).digest('hex');

  const t0 = performance.now();
  const ids = Array.from({ length: JOBS }, () => randomUUID());
  for (let start = 0; start < JOBS; start += 500) {
    const batch = ids.slice(start, start + 500);
    const prompts = await Promise.all(batch.map((id, i) => keys.seal(user.id, `Bench prompt ${start + i}: a lighthouse in a storm at dusk`, promptContext(id))));
    await ds.query(
      `INSERT INTO generation_jobs (id, user_id, prompt_sealed, model, seconds, size, plan, status, stage, progress, credits, provider,
                                    provider_video_id, provider_video_ids, deadline_at, video_key, video_sha256, video_bytes, thumbnail_key, thumbnail_sha256, completed_at)
       SELECT b.id, $2, b.prompt, 'sora-2', 4, '1280x720', '{4}', 'completed', 'done', 100, 4, $3,
              'video_bench_' || b.id, ARRAY['video_bench_' || b.id], now() + interval '1 hour',
              'generations/' || b.id || '/video.mp4', $4, $5, 'generations/' || b.id || '/thumbnail', $6, now()
         FROM unnest($1::uuid[], $7::bytea[]) AS b(id, prompt)`,
      [batch, user.id, provider, videoSha, video.length, thumbSha, prompts],
    );
  }
  await concurrently(JOBS, 16, async (i) => {
    await storage.put(jobKeys.video(ids[i]), video, { contentType: 'video/mp4', sealFor: user.id });
    await storage.put(jobKeys.thumbnail(ids[i]), thumbnail, { contentType: 'image/webp', sealFor: user.id });
  });
  record('erasure: fill one user', JOBS, 'jobs', `${((performance.now() - t0) / 1000).toFixed(1)} s: sealed prompts, a sealed 64 KiB video and 4 KiB thumbnail each`);

  const actor = { type: 'system', id: 'bench' };
  const scheduled = await erasures.schedule({ userId: user.id, reason: 'benchmark', actor });
  await ds.query('UPDATE erasures SET run_after = now() WHERE id = $1', [scheduled.id]); // the grace period is over
  const t1 = performance.now();
  const done = await erasures.execute(scheduled.id);
  const seconds = (performance.now() - t1) / 1000;
  const [{ n: left }] = await ds.query('SELECT count(*)::int AS n FROM generation_jobs WHERE user_id = $1', [user.id]);
  let files = 0;
  for (const id of ids.slice(0, 100)) for await (const _ of storage.list(jobKeys.prefix(id))) files += 1;
  if (done.status !== 'completed' || left !== 0 || files !== 0) {
    throw new Error(`erasure benchmark: status ${done.status}, ${left} jobs and ${files} files (of the first 100 jobs) left`);
  }
  record(
    `erasure: one user with ${JOBS.toLocaleString('en')} video jobs (provider copies, files, rows, every eraser, key destruction, signed certificate)`,
    seconds.toFixed(1),
    's',
    `${JOBS} jobs, ${Math.round(JOBS / seconds)} jobs/s; ${JOBS * 2} files and ${JOBS} provider deletes over HTTP; certificate issued`,
  );
}
