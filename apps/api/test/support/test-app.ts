import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { createApp } from '../../src/app.factory';
import { AppConfig, loadConfig } from '../../src/config/app-config';
import { TestDatabase, createTestDatabase } from './test-database';

export interface TestApp {
  app: INestApplication;
  config: AppConfig;
  db: TestDatabase;
  /** Base URL of the listening server, e.g. http://127.0.0.1:41234 */
  url: string;
  server: Server;
  /** Every log line the application wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Reuse a database (several instances on one database); a fresh one is created otherwise. */
  db?: TestDatabase;
}

/** Configuration for tests: a temp DATA_DIR, no demo seed, logs captured at debug level. */
export function testConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    DATA_DIR: mkdtempSync(path.join(tmpdir(), 'soar2-test-data-')),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'debug',
    MIGRATE_ON_START: 'false',
    ADMIN_DIST_DIR: path.join(tmpdir(), 'soar2-no-console'),
    // Fixed, as on every replica in production: tests restart the app on one database and find accounts by email again.
    EMAIL_LOOKUP_KEY: 'test-email-lookup-key-of-at-least-32-characters',
    ...env,
  });
}

/** Starts the real application on a random port against a fresh (or given) migrated database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const ownsDb = !options.db;
  const config = testConfig(db.url, options.env);
  const logs: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });
  const app = await createApp(config, { logDestination: destination });
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  const { port } = server.address() as AddressInfo;
  return {
    app,
    config,
    db,
    url: `http://127.0.0.1:${port}`,
    server,
    logs,
    close: async () => {
      await app.close();
      if (ownsDb) await db.drop();
      rmSync(config.dataDir, { recursive: true, force: true });
    },
  };
}
