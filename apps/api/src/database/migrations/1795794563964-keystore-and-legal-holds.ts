import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crypto-shredding keystore and legal holds.
 *
 * keystore.user_data_keys holds each user's AES-256 data key, wrapped by a master key from the
 * configuration. It lives in its own schema so that data backups leave it out
 * (`pg_dump --exclude-schema=keystore`, docs/operations.md): destroying a key (wrapped_key set to
 * NULL, destroyed_at set) makes the user's encrypted fields in every earlier data backup unreadable.
 * There is no foreign key to users: the row, with its destruction time, outlives the account.
 *
 * legal_holds block every deletion in their scope (a user, a ticket or a job) until released or expired.
 */
export class KeystoreAndLegalHolds1795794563964 implements MigrationInterface {
  name = 'KeystoreAndLegalHolds1795794563964';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SCHEMA IF NOT EXISTS keystore`);
    await q.query(`
      CREATE TABLE keystore.user_data_keys (
        user_id uuid PRIMARY KEY,
        wrapped_key bytea,
        master_key_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        rewrapped_at timestamptz,
        destroyed_at timestamptz,
        CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL)),
        CHECK ((wrapped_key IS NULL) = (master_key_id IS NULL))
      )`);
    await q.query(`CREATE INDEX user_data_keys_master_key_idx ON keystore.user_data_keys (master_key_id) WHERE wrapped_key IS NOT NULL`);
    // A destroyed key never comes back: refuse setting wrapped_key on a destroyed row.
    await q.query(`
      CREATE FUNCTION keystore.refuse_key_resurrection() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.destroyed_at IS NOT NULL AND NEW.wrapped_key IS NOT NULL THEN
          RAISE EXCEPTION 'the data key of user % was destroyed and cannot be restored', OLD.user_id;
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER user_data_keys_no_resurrection BEFORE UPDATE ON keystore.user_data_keys FOR EACH ROW EXECUTE FUNCTION keystore.refuse_key_resurrection()`);

    await q.query(`
      CREATE TABLE legal_holds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        scope_type text NOT NULL CHECK (scope_type IN ('user','ticket','job')),
        scope_id uuid NOT NULL,
        reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 3 AND 2000),
        reference text CHECK (reference IS NULL OR length(reference) <= 200),
        requested_by text NOT NULL CHECK (length(btrim(requested_by)) BETWEEN 1 AND 200),
        created_by uuid NOT NULL REFERENCES staff(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz,
        released_at timestamptz,
        released_by uuid REFERENCES staff(id),
        release_reason text,
        CHECK ((released_at IS NULL) = (released_by IS NULL)),
        CHECK (released_at IS NULL OR release_reason IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX legal_holds_scope_idx ON legal_holds (scope_type, scope_id) WHERE released_at IS NULL`);
    await q.query(`CREATE INDEX legal_holds_created_idx ON legal_holds (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE legal_holds`);
    await q.query(`DROP TABLE keystore.user_data_keys`);
    await q.query(`DROP FUNCTION keystore.refuse_key_resurrection()`);
    await q.query(`DROP SCHEMA keystore`);
  }
}
