// Operator commands: `migrate` applies pending migrations, `migrate:revert` reverts the last one,
// `rotate-data-keys` re-wraps every user data key under the first key of DATA_KEY_MASTER_KEYS,
// `reapply-erasures` erases again the accounts a restored data backup brought back (the keystore
// says they were erased), `backfill-identity [--rehash]` fills email lookup hashes and seals legacy
// access-log and consent-ledger values (decisions 020, 022; main.ts runs both of the last two at start as well).
// `seal-backfill` seals generation prompts and files stored in clear before decision 018.
import { parseMasterKeyring } from '@soar2/privacy';
import { Client } from 'pg';
import type { INestApplication } from '@nestjs/common';
import { createApp } from './app.factory';
import { createBootLog } from './boot-log';
import { ConsentBackfillService } from './consent/consent-backfill.service';
import { IdentityBackfillService } from './identity/identity-backfill.service';
import { ErasureService, type ReapplyErasuresResult } from './retention/erasure.service';
import { rewrapBatch } from './data-keys/rewrap';
import { AppConfig, ConfigValidationError, loadConfig } from './config/app-config';
import { revertLastMigration, runMigrations } from './database/migrator';
import { resolveDatabase } from './database/resolve-database';
import { sealBackfillCommand } from './generation/seal-backfill-command';

const COMMANDS = ['migrate', 'migrate:revert', 'rotate-data-keys', 'reapply-erasures', 'backfill-identity', 'seal-backfill'];

/** The application without HTTP, workers or clocks, for commands that use its services. */
async function withApp<T>(config: AppConfig, url: string, fn: (app: INestApplication) => Promise<T>): Promise<T> {
  const app = await createApp({ ...config, database: { ...config.database, url }, roles: new Set(['api']) });
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

/** `reapply-erasures` (exported for the restore-drill test, which runs it in-process). */
export function reapplyErasuresCommand(config: AppConfig, url: string): Promise<ReapplyErasuresResult> {
  return withApp(config, url, (app) => app.get(ErasureService).reapplyErasures());
}

async function cli(command: string | undefined, args: string[]): Promise<number> {
  const config = loadConfig();
  const log = createBootLog({ logLevel: config.logLevel === 'silent' ? 'info' : config.logLevel });
  if (command === undefined || !COMMANDS.includes(command)) {
    process.stderr.write(`usage: cli.js ${COMMANDS.join(' | ')} [--rehash]\n`);
    return 2;
  }
  const db = await resolveDatabase(config, log);
  try {
    if (command === 'reapply-erasures') {
      const result = await reapplyErasuresCommand(config, db.url);
      log(`re-erased ${result.reErased.length} account(s) whose data key is destroyed; ${result.held.length} kept by a legal hold`, { reErased: result.reErased, held: result.held });
    } else if (command === 'backfill-identity') {
      const result = await withApp(config, db.url, async (app) => ({
        ...(await app.get(IdentityBackfillService).run({ rehash: args.includes('--rehash') })),
        consentRecordsSealed: await app.get(ConsentBackfillService).sealLegacyClientInfo(),
      }));
      log(`email lookups: ${result.emailLookups} set, ${result.emailLookupConflicts.length} conflict(s); access-log rows sealed: ${result.accessLogSealed}; consent entries sealed: ${result.consentRecordsSealed}`, { conflicts: result.emailLookupConflicts });
    } else if (command === 'rotate-data-keys') {
      if (!config.dataKeys.masterKeys) throw new Error('Set DATA_KEY_MASTER_KEYS (newest key first) before rotating.');
      const ring = parseMasterKeyring(config.dataKeys.masterKeys);
      const client = new Client({ connectionString: db.url });
      await client.connect();
      let total = 0;
      try {
        for (;;) {
          await client.query('BEGIN');
          const n = await rewrapBatch({ query: async (sql, params) => (await client.query(sql, params)).rows }, ring, 500);
          await client.query('COMMIT');
          total += n;
          if (n === 0) break;
        }
      } finally {
        await client.end();
      }
      log(`re-wrapped ${total} data key(s) under master key ${ring.current.id}`, { total });
    } else if (command === 'seal-backfill') {
      const done = await sealBackfillCommand(config, db.url);
      log(`sealed ${done.prompts} prompt(s) and ${done.files} file(s); ${done.skipped} row(s) of erased users left to erasure`, { ...done });
    } else if (command === 'migrate') {
      const { applied } = await runMigrations(db.url);
      log(applied.length ? `applied ${applied.length} migration(s)` : 'database schema is up to date', { applied });
    } else {
      const reverted = await revertLastMigration(db.url);
      log(reverted ? 'reverted the last migration' : 'no migration to revert', { reverted });
    }
    return 0;
  } finally {
    await db.stop();
  }
}

if (require.main === module) {
  cli(process.argv[2], process.argv.slice(3)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof ConfigValidationError) process.stderr.write(`${err.message}\n`);
      else process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
