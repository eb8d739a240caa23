import { MigrationInterface, QueryRunner } from 'typeorm';

/** End users and staff accounts with revocable staff sessions: the minimum the console needs to sign in. */
export class IdentityCore1764230400000 implements MigrationInterface {
  name = 'IdentityCore1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
        display_name text,
        region text,
        status text NOT NULL DEFAULT 'active'
          CHECK (status IN ('active','restricted','suspended','terminated','pending_deletion','deleted')),
        age_confirmed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX users_email_key ON users (email)`);
    await q.query(`
      CREATE TABLE staff (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
        display_name text NOT NULL,
        role text NOT NULL CHECK (role IN ('admin','support_agent','privacy_officer','auditor')),
        password_hash text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active','disabled')),
        failed_login_count integer NOT NULL DEFAULT 0,
        locked_until timestamptz,
        last_login_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_email_key ON staff (email)`);
    await q.query(`
      CREATE TABLE staff_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        last_seen_at timestamptz,
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_sessions_token_hash_key ON staff_sessions (token_hash)`);
    await q.query(`CREATE INDEX staff_sessions_staff_id_idx ON staff_sessions (staff_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staff_sessions`);
    await q.query(`DROP TABLE staff`);
    await q.query(`DROP TABLE users`);
  }
}
