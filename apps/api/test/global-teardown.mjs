// Drops every database this run created, then stops the embedded PostgreSQL if one was started.
import pg from 'pg';

export default async function globalTeardown() {
  const cleanup = globalThis.__SOAR2_TEST_CLEANUP__;
  if (cleanup) {
    const admin = new pg.Client({ connectionString: cleanup.serverUrl });
    await admin.connect();
    const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname LIKE $1', [`soar2_test_${cleanup.runId}_%`]);
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    await admin.end();
  }
  const server = globalThis.__SOAR2_EMBEDDED_PG__;
  if (server) await server.stop();
}
