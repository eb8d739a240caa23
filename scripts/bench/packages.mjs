// Benchmark: access package build for a user with 1,000 files totalling ≥ 1 GB (random bytes, as
// incompressible as video), compared in the same run with `zip -0 -r` over the same files; peak RSS
// of the building process. The build runs in a child process (this file with --child) with the
// worker role, so its peak RSS is the package build's alone.
import { execFileSync, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, openSync, closeSync, writeSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const root = path.resolve(path.dirname(here), '..', '..');
const require = createRequire(import.meta.url);
const dist = path.join(root, 'apps/api/dist/apps/api/src');
const MEDIA_PREFIX = 'bench-media';

/**
 * @param {{ record: (name: string, value: unknown, unit: string, note?: string) => void, app: import('@nestjs/common').INestApplication, dbUrl: string, files?: number, fileBytes?: number }} ctx
 * `app` must not have the worker role (the child builds the package).
 */
export async function benchPackages({ record, app, dbUrl, files = Number(process.env.BENCH_PACKAGE_FILES ?? 1000), fileBytes = Number(process.env.BENCH_PACKAGE_FILE_BYTES ?? 1024 * 1024) }) {
  const { UsersService } = require(path.join(dist, 'identity/users.service.js'));
  const { StorageService } = require(path.join(dist, 'storage/storage.service.js'));
  const { APP_CONFIG } = require(path.join(dist, 'config/app-config.js'));
  const config = app.get(APP_CONFIG);
  const storage = app.get(StorageService);
  const user = await app.get(UsersService).ensure('bench-packages@soar2.local', 'Bench', 'EU');
  const work = mkdtempSync(path.join(tmpdir(), 'soar2-bench-packages-'));
  const filesDir = path.join(work, 'videos');
  mkdirSync(filesDir);
  try {
    const buf = Buffer.alloc(fileBytes);
    for (let i = 0; i < files; i += 1) {
      randomFillSync(buf);
      const file = path.join(filesDir, `video-${String(i).padStart(4, '0')}.mp4`);
      const fd = openSync(file, 'w');
      writeSync(fd, buf);
      closeSync(fd);
      await storage.put(`${MEDIA_PREFIX}/${user.id}/${path.basename(file)}`, createReadStream(file), { contentType: 'video/mp4' });
    }
    const totalBytes = files * fileBytes;

    // Reference: zip -0 -r over the same files, writing to the same disk.
    const zipOut = path.join(work, 'reference.zip');
    const t0 = performance.now();
    execFileSync('zip', ['-0', '-r', '-q', zipOut, 'videos'], { cwd: work });
    const zipSeconds = (performance.now() - t0) / 1000;
    const zipSize = statSync(zipOut).size;
    // The package is durable once ready (the storage put syncs it): the fair reference syncs its zip too.
    execFileSync('sync', ['-d', zipOut]);
    const zipSyncSeconds = (performance.now() - t0) / 1000;
    rmSync(zipOut);

    const child = await runChild({ dbUrl, storageDir: config.storage.dir, userId: user.id });
    const seconds = (child.readyAt - child.startedAt) / 1000;
    const mbps = child.size / 1e6 / seconds;
    const zipMbps = zipSize / 1e6 / zipSeconds;
    const label = `${files.toLocaleString('en-US')} files, ${(totalBytes / 1e9).toFixed(2)} GB`;
    record(`access package build (${label})`, mbps.toFixed(0), 'MB/s', `${seconds.toFixed(1)} s from job start to ready (CPU ${((child.cpuUserMs + child.cpuSystemMs) / 1000).toFixed(1)} s): walk, zip (media stored), SHA-256 per file and of the zip, streamed into storage`);
    const zipSyncMbps = zipSize / 1e6 / zipSyncSeconds;
    record(`zip -0 -r over the same files`, zipMbps.toFixed(0), 'MB/s', `${zipSeconds.toFixed(1)} s; ${zipSyncMbps.toFixed(0)} MB/s (${zipSyncSeconds.toFixed(1)} s) including sync -d of the zip`);
    record('access package build / zip -0 -r', (mbps / zipMbps).toFixed(2), 'ratio', `aim ≥ 0.8; ${(mbps / zipSyncMbps).toFixed(2)} against zip -0 -r + sync (the package is synced to disk before it is ready)`);
    record('access package build: peak RSS of the building process', child.maxRssMiB, 'MiB', `whole API process (worker role) incl. Nest, pg, pg-boss; aim ≤ 200; RSS before the build ${child.rssBeforeMiB} MiB`);
    await storage.delete(child.storageKey);
  } finally {
    for await (const o of storage.list(`${MEDIA_PREFIX}/${user.id}/`)) await storage.delete(o.key);
    rmSync(work, { recursive: true, force: true });
  }
}

function runChild({ dbUrl, storageDir, userId }) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean), here, '--child'], {
      env: { ...process.env, BENCH_DB_URL: dbUrl, BENCH_STORAGE_DIR: storageDir, BENCH_USER_ID: userId },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`package bench child exited with ${code}: ${out}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** The child: an API process with the worker role that builds one package and reports. */
async function child() {
  const { loadConfig } = require(path.join(dist, 'config/app-config.js'));
  const { createApp } = require(path.join(dist, 'app.factory.js'));
  const { PersonalDataRegistry } = require(path.join(dist, 'personal-data/personal-data.registry.js'));
  const { AccessPackageService } = require(path.join(dist, 'privacy-packages/access-package.service.js'));
  const { StorageService } = require(path.join(dist, 'storage/storage.service.js'));
  const { DataSource } = require('typeorm');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'soar2-bench-child-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: process.env.BENCH_DB_URL,
    DATA_DIR: dataDir,
    STORAGE_DIR: process.env.BENCH_STORAGE_DIR,
    LOG_LEVEL: 'silent',
    SEED_DEMO: 'false',
    MIGRATE_ON_START: 'false',
    PROCESS_ROLES: 'worker',
  });
  const app = await createApp(config);
  await app.init();
  try {
    const storage = app.get(StorageService);
    const registry = app.get(PersonalDataRegistry);
    const db = app.get(DataSource);
    if (!registry.get('generation.videos')) {
      registry.register({
        category: 'generation.videos',
        description: 'Videos you generated.',
        purposes: ['providing the service'],
        sources: ['user'],
        async *export(subject) {
          for await (const o of storage.list(`${MEDIA_PREFIX}/${subject.userId}/`)) {
            const name = o.key.slice(o.key.lastIndexOf('/') + 1);
            yield { data: { file: name, size: o.size }, media: [{ path: `videos/${name}`, storageKey: o.key, contentType: 'video/mp4' }] };
          }
        },
        async erase() {
          return { deleted: 0, anonymised: 0, retained: [] };
        },
      });
    }
    const service = app.get(AccessPackageService);
    const rssBeforeMiB = Math.round(process.memoryUsage().rss / 1024 / 1024);
    const cpuBefore = process.cpuUsage();
    const { packageId } = await service.build({ userId: process.env.BENCH_USER_ID, requestId: null, format: 'access' });
    let status;
    for (;;) {
      status = await service.status(packageId);
      if (status.state === 'ready' || status.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (status.state !== 'ready') throw new Error(`package build failed: ${status.errorCode}`);
    const [row] = await db.query('SELECT started_at, ready_at FROM access_packages WHERE id = $1', [packageId]);
    const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
    const cpu = process.cpuUsage(cpuBefore);
    process.stdout.write(
      `${JSON.stringify({ packageId, size: status.size, storageKey: status.storageKey, startedAt: row.started_at.getTime(), readyAt: row.ready_at.getTime(), maxRssMiB, rssBeforeMiB, cpuUserMs: Math.round(cpu.user / 1000), cpuSystemMs: Math.round(cpu.system / 1000) })}\n`,
    );
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child')) {
  child().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
