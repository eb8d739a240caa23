// Benchmarks: `npm run bench` (builds the API first). Writes docs/benchmarks.md with the machine
// and the command. Traffic goes to 127.0.0.1 only, with bounded request counts.
import { execSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, totalmem, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dist = path.join(root, 'apps/api/dist/apps/api/src');
const { EmbeddedPostgresServer } = require(path.join(dist, 'database/embedded-postgres.js'));
const { runMigrations } = require(path.join(dist, 'database/migrator.js'));
const { loadConfig } = require(path.join(dist, 'config/app-config.js'));
const { createApp } = require(path.join(dist, 'app.factory.js'));
const { StaffService } = require(path.join(dist, 'identity/staff.service.js'));

const results = [];
const record = (name, value, unit, note = '') => {
  results.push({ name, value, unit, note });
  console.log(`${name}: ${value} ${unit} ${note}`);
};

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sends `total` requests with `concurrency` in flight; returns throughput and latency percentiles. */
async function load(url, init, total, concurrency) {
  const latencies = [];
  let next = 0;
  let failures = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        const s = performance.now();
        const res = await fetch(url, init());
        await res.arrayBuffer();
        if (!res.ok) failures += 1;
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { rps: Math.round(total / seconds), p50: percentile(latencies, 50).toFixed(1), p99: percentile(latencies, 99).toFixed(1), failures };
}

async function main() {
  const parent = mkdtempSync(path.join(tmpdir(), 'soar2-bench-'));
  chmodSync(parent, 0o755);
  let server;
  let dbUrl = process.env.DATABASE_URL;
  try {
    if (!dbUrl) {
      const t0 = performance.now();
      server = await EmbeddedPostgresServer.start({ dataDir: path.join(parent, 'pg'), port: 55000 + Math.floor(Math.random() * 1000) });
      record('embedded PostgreSQL: initdb + first start', Math.round(performance.now() - t0), 'ms');
      await server.stop();
      const t1 = performance.now();
      server = await EmbeddedPostgresServer.start({ dataDir: path.join(parent, 'pg'), port: 55000 + Math.floor(Math.random() * 1000) });
      record('embedded PostgreSQL: start of an existing cluster', Math.round(performance.now() - t1), 'ms');
      dbUrl = server.url;
    }
    const t2 = performance.now();
    await runMigrations(dbUrl);
    record('migrations on an empty database', Math.round(performance.now() - t2), 'ms');

    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: dbUrl, DATA_DIR: parent, LOG_LEVEL: 'silent', SEED_DEMO: 'false', MIGRATE_ON_START: 'false' });
    const app = await createApp(config);
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${app.getHttpServer().address().port}`;
    await app.get(StaffService).ensure('bench@soar2.local', 'Bench', 'admin', 'bench-password-123');

    await load(`${base}/health`, () => ({}), 200, 8); // warm-up
    const live = await load(`${base}/health`, () => ({}), 5000, 32);
    record('GET /health, 32 concurrent', live.rps, 'req/s', `p50 ${live.p50} ms, p99 ${live.p99} ms, ${live.failures} failed of 5000`);
    const ready = await load(`${base}/health/ready`, () => ({}), 3000, 32);
    record('GET /health/ready, 32 concurrent', ready.rps, 'req/s', `p50 ${ready.p50} ms, p99 ${ready.p99} ms, ${ready.failures} failed of 3000`);
    const loginInit = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@soar2.local', password: 'bench-password-123' }) });
    const login = await load(`${base}/admin/auth/login`, loginInit, 100, 4);
    record('POST /admin/auth/login (argon2id), 4 concurrent', login.rps, 'req/s', `p50 ${login.p50} ms, p99 ${login.p99} ms, ${login.failures} failed of 100`);
    const token = (await (await fetch(`${base}/admin/auth/login`, loginInit())).json()).token;
    const list = await load(`${base}/admin/staff?range=[0,24]`, () => ({ headers: { authorization: `Bearer ${token}` } }), 3000, 32);
    record('GET /admin/staff (auth + list), 32 concurrent', list.rps, 'req/s', `p50 ${list.p50} ms, p99 ${list.p99} ms, ${list.failures} failed of 3000`);
    record('API process resident memory after the runs', Math.round(process.memoryUsage().rss / 1024 / 1024), 'MiB');
    await app.close();
  } finally {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine = `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM (${(freemem() / 2 ** 30).toFixed(0)} GiB free), Node ${process.version}, ${process.platform}`;
  const commit = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim();
    } catch {
      return 'unknown';
    }
  })();
  const lines = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (scripts/bench.mjs); numbers from one run, load generator and server',
    'in one Node process on loopback, so they are a floor for a dedicated server, not a ceiling.',
    '',
    `- Machine: ${machine}`,
    `- Database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL 18 (same machine)'}`,
    `- Commit: ${commit}; date: ${new Date().toISOString().slice(0, 10)}`,
    '- Command: `npm run bench`',
    '',
    '| measurement | value | unit | notes |',
    '|---|---:|---|---|',
    ...results.map((r) => `| ${r.name} | ${r.value} | ${r.unit} | ${r.note} |`),
    '',
  ];
  writeFileSync(path.join(root, 'docs/benchmarks.md'), lines.join('\n'));
  console.log('wrote docs/benchmarks.md');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
