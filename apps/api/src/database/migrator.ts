import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

export interface MigrationResult {
  applied: string[];
}

/** Applies pending migrations on the database at `url`; safe to call from several processes at once. */
export async function runMigrations(url: string): Promise<MigrationResult> {
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  try {
    // An advisory lock so that replicas starting together migrate one after the other.
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('SELECT pg_advisory_lock(hashtext($1))', ['soar2:migrations']);
      const applied = await ds.runMigrations({ transaction: 'each' });
      return { applied: applied.map((m) => m.name) };
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', ['soar2:migrations']).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await ds.destroy();
  }
}

/** Reverts the most recent migration (operators' escape hatch; every migration has a down). */
export async function revertLastMigration(url: string): Promise<string | undefined> {
  const ds = new DataSource(dataSourceOptions(url, 2));
  await ds.initialize();
  try {
    const before = await ds.query('SELECT name FROM schema_migrations ORDER BY id DESC LIMIT 1');
    await ds.undoLastMigration({ transaction: 'each' });
    return (before as Array<{ name: string }>)[0]?.name;
  } finally {
    await ds.destroy();
  }
}
