import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff account management: members invited without a password (they set it through an emailed
 * single-use link), optional TOTP two-step sign-in with its secret encrypted by the application.
 */
export class StaffAccounts1795788164956 implements MigrationInterface {
  name = 'StaffAccounts1795788164956';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff ALTER COLUMN password_hash DROP NOT NULL`);
    await q.query(`
      ALTER TABLE staff
        ADD COLUMN password_set boolean GENERATED ALWAYS AS (password_hash IS NOT NULL) STORED,
        ADD COLUMN password_changed_at timestamptz,
        ADD COLUMN totp_secret bytea,
        ADD COLUMN totp_pending_secret bytea,
        ADD COLUMN totp_enabled_at timestamptz,
        ADD COLUMN totp_last_step bigint,
        ADD CONSTRAINT staff_totp_enabled_check CHECK ((totp_secret IS NULL) = (totp_enabled_at IS NULL))`);
    await q.query(`
      CREATE TABLE staff_password_links (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        staff_id uuid NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        token_hash bytea NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('invite','reset')),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_password_links_token_hash_key ON staff_password_links (token_hash)`);
    await q.query(`CREATE INDEX staff_password_links_staff_id_idx ON staff_password_links (staff_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE staff_password_links`);
    await q.query(`
      ALTER TABLE staff
        DROP CONSTRAINT staff_totp_enabled_check,
        DROP COLUMN totp_last_step,
        DROP COLUMN totp_enabled_at,
        DROP COLUMN totp_pending_secret,
        DROP COLUMN totp_secret,
        DROP COLUMN password_changed_at,
        DROP COLUMN password_set`);
    // Members still waiting for their link get a value no password verifies against: they stay unable to sign in.
    await q.query(`UPDATE staff SET password_hash = '!' WHERE password_hash IS NULL`);
    await q.query(`ALTER TABLE staff ALTER COLUMN password_hash SET NOT NULL`);
  }
}
