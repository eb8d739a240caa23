// Starts (or reaches) the PostgreSQL server the HTTP tests use, and migrates a template database
// that every test file clones into a fresh database of its own.
// DATABASE_URL set: that server (CI: the machine's PostgreSQL). Unset: an embedded PostgreSQL.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';

const here = path.dirname(fileURLToPath(import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export default async function globalSetup() {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const { EmbeddedPostgresServer } = await tsImport(path.join(here, '../src/database/embedded-postgres.ts'), import.meta.url);
    // Under /tmp, which the postgres user can reach when the tests run as root.
    const parent = mkdtempSync(path.join(tmpdir(), 'soar2-test-pg-'));
    chmodSync(parent, 0o755);
    const dataDir = path.join(parent, 'pg');
    const server = await EmbeddedPostgresServer.start({ dataDir, port: await freePort() });
    globalThis.__SOAR2_EMBEDDED_PG__ = server;
    serverUrl = server.url;
    process.stdout.write(`\n[tests] DATABASE_URL is not set: using an embedded PostgreSQL (${dataDir})\n`);
  }
  const template = `soar2_test_${runId}_tpl`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${template}`);
  await admin.end();
  const templateUrl = new URL(serverUrl);
  templateUrl.pathname = `/${template}`;
  const { runMigrations } = await tsImport(path.join(here, '../src/database/migrator.ts'), import.meta.url);
  await runMigrations(templateUrl.toString());
  // pg-boss installs its schema on first start; doing it once here spares every test application.
  const { default: PgBoss } = await import('pg-boss');
  const boss = new PgBoss({ connectionString: templateUrl.toString(), schema: 'pgboss', schedule: false, supervise: false });
  await boss.start();
  await boss.stop({ graceful: false });

  process.env.SOAR2_TEST_SERVER_URL = serverUrl;
  process.env.SOAR2_TEST_RUN_ID = runId;
  process.env.SOAR2_TEST_TEMPLATE_DB = template;
  globalThis.__SOAR2_TEST_CLEANUP__ = { serverUrl, runId };
}
