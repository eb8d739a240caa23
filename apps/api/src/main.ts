import type { INestApplication } from '@nestjs/common';
import { createApp } from './app.factory';
import { createBootLog } from './boot-log';
import { AppConfig, ConfigValidationError, loadConfig } from './config/app-config';
import { runMigrations } from './database/migrator';
import { ConsentBackfillService } from './consent/consent-backfill.service';
import { ResolvedDatabase, resolveDatabase } from './database/resolve-database';
import { IdentityBackfillService } from './identity/identity-backfill.service';
import { ErasureService } from './retention/erasure.service';
import { DemoCredentials, SeedService } from './seed/seed.service';

function printBanner(config: AppConfig, db: ResolvedDatabase, demo: DemoCredentials | undefined): void {
  const base = config.publicUrl;
  const lines = [
    '',
    'Soar2 Back-Office is running',
    `  console   ${base}/`,
    `  API       ${base}/v1   console API ${base}/admin`,
    `  API docs  ${base}/docs   (OpenAPI JSON ${base}/docs-json)`,
    `  health    ${base}/health/ready`,
    `  database  ${db.embedded ? `embedded PostgreSQL, data in ${config.database.embeddedDir}` : 'DATABASE_URL'}`,
    `  email     ${config.mail.smtpUrl ? 'SMTP (SMTP_URL)' : `file transport, messages in ${config.mail.fileDir}`}`,
  ];
  if (demo) {
    lines.push('', 'Demo staff (generated for this data directory; never used in production mode):');
    for (const s of demo.staff) lines.push(`  ${s.role.padEnd(16)} ${s.email.padEnd(24)} ${s.password}`);
    lines.push('Demo users (sign in with an emailed code):');
    for (const u of demo.users) lines.push(`  ${u.email}`);
  }
  lines.push('', 'Press Ctrl-C to stop.', '');
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigValidationError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable and its meaning.\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = createBootLog(config);
  const db = await resolveDatabase(config, log);
  let app: INestApplication | undefined;
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) {
      log('second signal received; exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    log('stopping', { signal });
    const force = setTimeout(() => {
      log('shutdown took longer than 20 s; exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      await app?.close();
    } finally {
      await db.stop();
    }
    log('stopped cleanly');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    if (config.database.migrateOnStart) {
      const { applied } = await runMigrations(db.url);
      log(applied.length ? 'applied migrations' : 'database schema is up to date', { applied });
    }
    const resolved: AppConfig = { ...config, database: { ...config.database, url: db.url } };
    app = await createApp(resolved);
    // Before serving (decisions 020, 022): hashes and seals that need configured keys, then the accounts a
    // restored data backup brought back although the keystore says they were erased.
    await app.get(IdentityBackfillService).run();
    await app.get(ConsentBackfillService).sealLegacyClientInfo();
    await app.get(ErasureService).reapplyErasures();
    const seed = app.get(SeedService);
    await seed.bootstrapAdmin();
    const demo = await seed.seedDemo();
    await app.listen(config.port, config.host);
    printBanner(config, db, demo);
  } catch (err) {
    log('failed to start', { err: err instanceof Error ? { message: err.message, stack: err.stack } : String(err) });
    await app?.close().catch(() => undefined);
    await db.stop();
    process.exit(1);
  }
}

void main();
