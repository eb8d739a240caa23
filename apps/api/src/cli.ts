// Operator commands: `migrate` applies pending migrations, `migrate:revert` reverts the last one,
// `rotate-data-keys` re-wraps every user data key under the first key of DATA_KEY_MASTER_KEYS,
// `seal-backfill` seals generation prompts and files stored in clear before decision 018.
import { parseMasterKeyring } from '@soar2/privacy';
import { Client } from 'pg';
import { createBootLog } from './boot-log';
import { rewrapBatch } from './data-keys/rewrap';
import { ConfigValidationError, loadConfig } from './config/app-config';
import { revertLastMigration, runMigrations } from './database/migrator';
import { resolveDatabase } from './database/resolve-database';
import { sealBackfillCommand } from './generation/seal-backfill-command';

async function cli(command: string | undefined): Promise<number> {
  const config = loadConfig();
  const log = createBootLog({ logLevel: config.logLevel === 'silent' ? 'info' : config.logLevel });
  if (command !== 'migrate' && command !== 'migrate:revert' && command !== 'rotate-data-keys' && command !== 'seal-backfill') {
    process.stderr.write('usage: cli.js migrate | migrate:revert | rotate-data-keys | seal-backfill\n');
    return 2;
  }
  const db = await resolveDatabase(config, log);
  try {
    if (command === 'rotate-data-keys') {
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

cli(process.argv[2]).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigValidationError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
