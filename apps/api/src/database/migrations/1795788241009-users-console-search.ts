import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console finds users by part of an email address or name (ILIKE '%…%') and lists them newest
 * first: trigram indexes keep the search fast on a large table, and created_at serves the sort.
 */
export class UsersConsoleSearch1795788241009 implements MigrationInterface {
  name = 'UsersConsoleSearch1795788241009';

  async up(q: QueryRunner): Promise<void> {
    // pg_trgm ships with PostgreSQL (contrib) and is a trusted extension: the database owner may create it.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await q.query(`CREATE INDEX users_email_trgm_idx ON users USING gin (email gin_trgm_ops)`);
    await q.query(`CREATE INDEX users_display_name_trgm_idx ON users USING gin (display_name gin_trgm_ops)`);
    await q.query(`CREATE INDEX users_created_at_idx ON users (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX users_created_at_idx`);
    await q.query(`DROP INDEX users_display_name_trgm_idx`);
    await q.query(`DROP INDEX users_email_trgm_idx`);
    // The extension stays: other schema objects (or an operator) may use it, and it holds no data.
  }
}
