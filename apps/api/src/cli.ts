// Operator commands: `migrate` applies pending migrations, `migrate:revert` reverts the last one.
import { createBootLog } from './boot-log';
import { ConfigValidationError, loadConfig } from './config/app-config';
import { revertLastMigration, runMigrations } from './database/migrator';
import { resolveDatabase } from './database/resolve-database';

async function cli(command: string | undefined): Promise<number> {
  const config = loadConfig();
  const log = createBootLog({ logLevel: config.logLevel === 'silent' ? 'info' : config.logLevel });
  if (command !== 'migrate' && command !== 'migrate:revert') {
    process.stderr.write('usage: cli.js migrate | migrate:revert\n');
    return 2;
  }
  const db = await resolveDatabase(config, log);
  try {
    if (command === 'migrate') {
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
