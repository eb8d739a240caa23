import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decision 020. `users.email_lookup`: HMAC-SHA256 of the normalised address under EMAIL_LOOKUP_KEY,
 * the only way accounts are found by email. `access_log.ip_sealed` / `user_agent_sealed`: the IP and
 * user agent sealed with the user's data key. Both need keys from the configuration, which a
 * migration does not have: the API fills them at start in batches (IdentityBackfillService, or
 * `npm run backfill-identity`), and clears the legacy clear `ip` / `user_agent` as it seals them.
 */
export class EmailLookupAndSealedAccessLog1795805298096 implements MigrationInterface {
  name = 'EmailLookupAndSealedAccessLog1795805298096';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE users ADD COLUMN email_lookup bytea CHECK (octet_length(email_lookup) = 32)`);
    await q.query(`CREATE UNIQUE INDEX users_email_lookup_key ON users (email_lookup)`);
    // Lets the start-up backfill find rows still without a hash without scanning the table.
    await q.query(`CREATE INDEX users_email_lookup_missing_idx ON users (id) WHERE email_lookup IS NULL`);
    await q.query(`ALTER TABLE access_log ADD COLUMN ip_sealed bytea, ADD COLUMN user_agent_sealed bytea`);
    await q.query(`CREATE INDEX access_log_clear_idx ON access_log (id) WHERE ip IS NOT NULL OR user_agent IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Sealed values cannot be decrypted here: reverting drops them (the access log is 90-day security data).
    await q.query(`DROP INDEX IF EXISTS access_log_clear_idx`);
    await q.query(`ALTER TABLE access_log DROP COLUMN IF EXISTS user_agent_sealed, DROP COLUMN IF EXISTS ip_sealed`);
    await q.query(`DROP INDEX IF EXISTS users_email_lookup_missing_idx`);
    await q.query(`DROP INDEX IF EXISTS users_email_lookup_key`);
    await q.query(`ALTER TABLE users DROP COLUMN IF EXISTS email_lookup`);
  }
}
