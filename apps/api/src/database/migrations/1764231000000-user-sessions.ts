import { MigrationInterface, QueryRunner } from 'typeorm';

/** Revocable bearer sessions of end users (the token itself is never stored, only its SHA-256). */
export class UserSessions1764231000000 implements MigrationInterface {
  name = 'UserSessions1764231000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_seen_at timestamptz,
        revoked_at timestamptz,
        revoked_reason text CHECK (revoked_reason IN ('logout','account_terminated','account_deleted','email_changed','admin'))
      )`);
    await q.query(`CREATE UNIQUE INDEX user_sessions_token_hash_key ON user_sessions (token_hash)`);
    await q.query(`CREATE INDEX user_sessions_user_id_idx ON user_sessions (user_id) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_sessions`);
  }
}
