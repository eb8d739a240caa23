import { Client } from 'pg';
import type { AppConfig } from '../config/app-config';
import { EmbeddedPostgresServer } from './embedded-postgres';

export const EMBEDDED_DATABASE_NAME = 'soar2';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  /** Stops the embedded server (no-op for an external one). Call after the application has closed. */
  stop(): Promise<void>;
}

type BootLog = (message: string, fields?: Record<string, unknown>) => void;

/** DATABASE_URL when set; otherwise starts the embedded PostgreSQL and makes sure its database exists. */
export async function resolveDatabase(config: AppConfig, log: BootLog): Promise<ResolvedDatabase> {
  if (config.database.url) {
    return { url: config.database.url, embedded: false, stop: async () => undefined };
  }
  log('DATABASE_URL is not set: starting the embedded PostgreSQL', { dataDir: config.database.embeddedDir, port: config.database.embeddedPort });
  const server = await EmbeddedPostgresServer.start({ dataDir: config.database.embeddedDir, port: config.database.embeddedPort, log });
  try {
    const client = new Client({ connectionString: server.url });
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE_NAME]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${EMBEDDED_DATABASE_NAME}`);
    } finally {
      await client.end();
    }
  } catch (err) {
    await server.stop();
    throw err;
  }
  return { url: server.urlFor(EMBEDDED_DATABASE_NAME), embedded: true, stop: () => server.stop() };
}
