import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * End-user sign-in by emailed code: the codes (keyed hashes only), rate-limit hits shared by every
 * API replica, and the access log (login and hourly API use, with IP and user agent).
 */
export class UserSignIn1764231460000 implements MigrationInterface {
  name = 'UserSignIn1764231460000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE verification_codes (
        id uuid PRIMARY KEY,
        purpose text NOT NULL CHECK (purpose IN ('login','email_change')),
        email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
        user_id uuid REFERENCES users(id) ON DELETE CASCADE,
        code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CHECK ((purpose = 'email_change') = (user_id IS NOT NULL))
      )`);
    // The newest code of an address (sign-in) or of a user (email change) is the only one that counts.
    await q.query(`CREATE INDEX verification_codes_login_idx ON verification_codes (email, created_at DESC) WHERE purpose = 'login'`);
    await q.query(`CREATE INDEX verification_codes_user_idx ON verification_codes (user_id, created_at DESC) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX verification_codes_expires_at_idx ON verification_codes (expires_at)`);

    await q.query(`
      CREATE TABLE rate_limit_hits (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        bucket text NOT NULL,
        key_hash bytea NOT NULL,
        hit_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX rate_limit_hits_key_idx ON rate_limit_hits (bucket, key_hash, hit_at)`);
    await q.query(`CREATE INDEX rate_limit_hits_hit_at_idx ON rate_limit_hits (hit_at)`);

    await q.query(`ALTER TABLE user_sessions ADD COLUMN access_logged_at timestamptz`);
    await q.query(`
      CREATE TABLE access_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        session_id uuid REFERENCES user_sessions(id) ON DELETE SET NULL,
        event text NOT NULL CHECK (event IN ('login','api_session')),
        ip inet,
        user_agent text CHECK (length(user_agent) <= 512),
        device_type text NOT NULL CHECK (device_type IN ('desktop','mobile','tablet','bot','other')),
        browser text,
        os text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX access_log_user_id_idx ON access_log (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX access_log_session_id_idx ON access_log (session_id) WHERE session_id IS NOT NULL`);
    // The retention sweep deletes by age.
    await q.query(`CREATE INDEX access_log_created_at_idx ON access_log (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE access_log`);
    await q.query(`ALTER TABLE user_sessions DROP COLUMN access_logged_at`);
    await q.query(`DROP TABLE rate_limit_hits`);
    await q.query(`DROP TABLE verification_codes`);
  }
}
