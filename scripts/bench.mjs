// Benchmarks: `npm run bench` (builds the API first). Writes docs/benchmarks.md with the machine
// and the command. Traffic goes to 127.0.0.1 only, with bounded request counts.
import { execSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, loadavg, totalmem, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { benchConsent } from './bench/consent.mjs';
import { benchRetention } from './bench/retention.mjs';
import { benchGeneration } from './bench/generation.mjs';
import { benchCredits } from './bench/credits.mjs';
import { benchSupport } from './bench/support.mjs';
import { benchPackages } from './bench/packages.mjs';
import { benchErasure } from './bench/erasure.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const dist = path.join(root, 'apps/api/dist/apps/api/src');
const { EmbeddedPostgresServer } = require(path.join(dist, 'database/embedded-postgres.js'));
const { runMigrations } = require(path.join(dist, 'database/migrator.js'));
const { loadConfig } = require(path.join(dist, 'config/app-config.js'));
const { createApp } = require(path.join(dist, 'app.factory.js'));
const { StaffService } = require(path.join(dist, 'identity/staff.service.js'));
const { AuditService } = require(path.join(dist, 'audit/audit.service.js'));
const { AuditAppender } = require(path.join(dist, 'audit/audit-appender.js'));
const { prepareAuditEntry } = require(path.join(dist, 'audit/audit-entry.js'));
const { DataSource } = require('typeorm');

// BENCH_ONLY=erasure,retention runs only those groups and prints them (docs/benchmarks.md is written
// only by a whole run). Groups: platform, consent, support, retention, erasure, generation, audit,
// credits, packages.
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',').map((s) => s.trim())) : undefined;
const want = (group) => !only || only.has(group);

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

/** Runs `total` calls of `task` with `concurrency` in flight; returns calls per second. */
async function concurrently(total, concurrency, task) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        next += 1;
        await task(next);
      }
    }),
  );
  return Math.round(total / ((performance.now() - t0) / 1000));
}

function benchEntry(i) {
  const id = `00000000-0000-4000-8000-${String(i % 1000).padStart(12, '0')}`;
  return {
    action: i % 3 === 0 ? 'user.read' : 'staff.login',
    actor: { type: 'staff', id, role: 'support_agent' },
    subject: { type: 'user', id },
    requestId: `bench-${i}`,
    ip: '203.0.113.9',
    details: { outcome: 'success', n: i },
  };
}

/**
 * Audit log: appends per second with 32 concurrent writers (standalone, which share commits, and
 * inside a transaction of their own, which hold the chain lock through their commit), next to the
 * machine's ceiling for 32 writers committing one row each; then the time to verify 1,000,000 entries.
 * The million entries are written by the production append code (AuditAppender.appendInTransaction,
 * which hashes in Node) in transactions of 10,000, so the chain is exactly what the application
 * would have produced, and its verification (hashing in PostgreSQL) cross-checks the two.
 */
async function benchAudit(app) {
  const audit = app.get(AuditService);
  const appender = app.get(AuditAppender);
  const dataSource = app.get(DataSource);
  const writers = 32;

  await dataSource.query('CREATE TABLE IF NOT EXISTS bench_commits (id bigserial PRIMARY KEY, v text)');
  const ceiling = await concurrently(4000, writers, (i) => dataSource.transaction((m) => m.query('INSERT INTO bench_commits (v) VALUES ($1)', [`c${i}`])));
  record('PostgreSQL commits of one row, 32 concurrent (ceiling for any durable write)', ceiling, 'commits/s', 'synchronous_commit on; plain table, no audit');

  const alone = await concurrently(20000, writers, (i) => audit.record(benchEntry(i)));
  record('audit appends, 32 concurrent standalone writers', alone, 'appends/s', 'AuditService.record(entry): concurrent entries share one commit (group commit)');

  const inTx = await concurrently(3000, writers, (i) =>
    dataSource.transaction(async (m) => {
      await m.query('INSERT INTO bench_commits (v) VALUES ($1)', [`t${i}`]);
      await audit.record(benchEntry(i), m);
    }),
  );
  record('audit appends, 32 concurrent writers each in its own transaction', inTx, 'appends/s', 'row insert + record(entry, manager); the chain lock is held through each commit (WAL flush)');

  const quick = await audit.verifyChain();
  if (!quick.valid) throw new Error(`the chain written by the append benchmark does not verify: ${JSON.stringify(quick)}`);

  const target = 1_000_000;
  const batch = 10_000;
  let have = Number((await dataSource.query('SELECT last_sequence FROM audit_chain_head'))[0].last_sequence);
  const t0 = performance.now();
  const start = have;
  while (have < target) {
    const n = Math.min(batch, target - have);
    const entries = Array.from({ length: n }, (_, k) => prepareAuditEntry(benchEntry(have + k), undefined));
    await dataSource.transaction((m) => appender.appendInTransaction(m, entries));
    have += n;
  }
  const genSeconds = (performance.now() - t0) / 1000;
  record('audit log: writing the 1,000,000-entry chain to verify', Math.round(genSeconds), 's', `${Math.round((have - start) / genSeconds)} entries/s in transactions of ${batch}`);
  await dataSource.query('VACUUM ANALYZE audit_log');

  const rssBefore = process.memoryUsage().rss;
  const t1 = performance.now();
  const result = await audit.verifyChain();
  const verifySeconds = (performance.now() - t1) / 1000;
  const rssGrowth = Math.round((process.memoryUsage().rss - rssBefore) / 1024 / 1024);
  if (!result.valid || result.checked !== have) throw new Error(`verification failed: ${JSON.stringify(result)}`);
  record(
    `audit log: verify ${have.toLocaleString('en-US')} entries`,
    verifySeconds.toFixed(1),
    's',
    `${Math.round(have / verifySeconds)} entries/s; sha256() in PostgreSQL over ranges of 100,000, two at a time; API RSS grew ${rssGrowth} MiB`,
  );
  const t2 = performance.now();
  await audit.verifyChain(100_000, 1);
  record('audit log: the same verification one range at a time (one core)', ((performance.now() - t2) / 1000).toFixed(1), 's', 'for comparison');
}

async function main() {
  const loadAtStart = loadavg()[0];
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

    const loginInit = () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'bench@soar2.local', password: 'bench-password-123' }) });
    const token = (await (await fetch(`${base}/admin/auth/login`, loginInit())).json()).token;
    if (want('platform')) {
      await load(`${base}/health`, () => ({}), 200, 8); // warm-up
      const live = await load(`${base}/health`, () => ({}), 5000, 32);
      record('GET /health, 32 concurrent', live.rps, 'req/s', `p50 ${live.p50} ms, p99 ${live.p99} ms, ${live.failures} failed of 5000`);
      const ready = await load(`${base}/health/ready`, () => ({}), 3000, 32);
      record('GET /health/ready, 32 concurrent', ready.rps, 'req/s', `p50 ${ready.p50} ms, p99 ${ready.p99} ms, ${ready.failures} failed of 3000`);
      const login = await load(`${base}/admin/auth/login`, loginInit, 100, 4);
      record('POST /admin/auth/login (argon2id), 4 concurrent', login.rps, 'req/s', `p50 ${login.p50} ms, p99 ${login.p99} ms, ${login.failures} failed of 100`);
      const list = await load(`${base}/admin/staff?range=[0,24]`, () => ({ headers: { authorization: `Bearer ${token}` } }), 3000, 32);
      record('GET /admin/staff (auth + list), 32 concurrent', list.rps, 'req/s', `p50 ${list.p50} ms, p99 ${list.p99} ms, ${list.failures} failed of 3000`);
    }
    if (want('consent')) await benchConsent({ app, base, dist, record, load, concurrently });
    if (want('support')) await benchSupport({ app, base, adminToken: token, dist, record, load });
    if (!only) record('API process resident memory after the runs', Math.round(process.memoryUsage().rss / 1024 / 1024), 'MiB');
    if (want('retention')) await benchRetention({ app, dist, record });
    if (want('erasure')) await benchErasure({ app, dist, record, concurrently });
    await app.close();
    if (want('generation')) await benchGeneration({ record, load, concurrently, createApp, config, dbUrl, dist });
    // A pool as large as the number of writers, so that they contend for the chain, not for connections.
    if (want('audit')) {
      const auditApp = await createApp({ ...config, database: { ...config.database, poolSize: 40 } });
      try {
        await benchAudit(auditApp);
      } finally {
        await auditApp.close();
      }
    }
    if (want('credits')) {
      const creditsApp = await createApp({ ...config, database: { ...config.database, poolSize: 40 } });
      try {
        await benchCredits({ app: creditsApp, dist, record, concurrently });
      } finally {
        await creditsApp.close();
      }
    }
    if (want('packages')) {
      // Access packages: the API here has no worker role; a child process builds the package.
      const packagesApp = await createApp({ ...config, roles: new Set(['api']) });
      try {
        await benchPackages({ record, app: packagesApp, dbUrl });
      } finally {
        await packagesApp.close();
      }
    }
  } finally {
    await server?.stop();
    rmSync(parent, { recursive: true, force: true });
  }

  if (only) {
    console.log(`BENCH_ONLY=${[...only].join(',')}: docs/benchmarks.md is written only by a whole run`);
    return;
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
    `- Load average (1 min) at start / end: ${loadAtStart.toFixed(1)} / ${loadavg()[0].toFixed(1)} on ${cpus().length} cores (other work on the machine slows every number)`,
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
