import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The credit ledger (apps/api/src/credits, docs/billing.md).
 *
 * credit_entries is append-only: a row trigger refuses every UPDATE except the one erasure needs
 * (the user reference set to NULL, and the actor id too when the actor was that user), and a
 * statement trigger refuses DELETE and TRUNCATE. Amounts are integers: amount is the change to the
 * balance, held_delta the change to what is held (hold +n, release and capture -n).
 *
 * credit_balances is the per-user running total of those two columns, kept in the same transaction
 * as every entry. Its row is the per-user lock that makes holds exact under concurrency.
 */
export class CreditLedger1795794185471 implements MigrationInterface {
  name = 'CreditLedger1795794185471';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE credit_entries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        kind text NOT NULL CHECK (kind IN ('grant','purchase','hold','release','capture','refund','adjustment','expiry','clawback')),
        amount integer NOT NULL,
        held_delta integer NOT NULL DEFAULT 0,
        hold_id uuid REFERENCES credit_entries(id),
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 300),
        reference_type text CHECK (reference_type ~ '^[a-z][a-z0-9_.-]{0,63}$'),
        reference_id text CHECK (length(reference_id) BETWEEN 1 AND 200),
        actor_type text NOT NULL CHECK (actor_type IN ('staff','user','system','agent')),
        actor_id text,
        actor_role text,
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
        expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK ((reference_type IS NULL) = (reference_id IS NULL)),
        CHECK (CASE kind
          WHEN 'grant' THEN amount > 0 AND held_delta = 0 AND hold_id IS NULL
          WHEN 'purchase' THEN amount > 0 AND held_delta = 0 AND hold_id IS NULL AND expires_at IS NULL
          WHEN 'refund' THEN amount > 0 AND held_delta = 0 AND hold_id IS NULL AND expires_at IS NULL
          WHEN 'hold' THEN amount = 0 AND held_delta > 0 AND hold_id IS NULL AND expires_at IS NULL
          WHEN 'release' THEN amount = 0 AND held_delta < 0 AND hold_id IS NOT NULL AND expires_at IS NULL
          WHEN 'capture' THEN amount < 0 AND amount = held_delta AND hold_id IS NOT NULL AND expires_at IS NULL
          WHEN 'adjustment' THEN amount <> 0 AND held_delta = 0 AND hold_id IS NULL AND expires_at IS NULL
          WHEN 'expiry' THEN amount <= 0 AND held_delta = 0 AND hold_id IS NOT NULL AND expires_at IS NULL
          WHEN 'clawback' THEN amount < 0 AND held_delta = 0 AND hold_id IS NULL AND expires_at IS NULL
        END)
      )`);
    await q.query(`COMMENT ON TABLE credit_entries IS 'Append-only credit ledger; only erasure may set user_id (and a user actor_id) to NULL'`);
    await q.query(`COMMENT ON COLUMN credit_entries.hold_id IS 'release/capture: the hold they settle; expiry: the allowance grant that expires'`);
    await q.query(`CREATE UNIQUE INDEX credit_entries_idempotency_key ON credit_entries (idempotency_key)`);
    // One settlement (capture or release) per hold, enforced by the database.
    await q.query(`CREATE UNIQUE INDEX credit_entries_settles_hold ON credit_entries (hold_id) WHERE kind IN ('capture','release')`);
    await q.query(`CREATE UNIQUE INDEX credit_entries_expires_grant ON credit_entries (hold_id) WHERE kind = 'expiry'`);
    await q.query(`CREATE INDEX credit_entries_user_seq ON credit_entries (user_id, seq)`);
    await q.query(`CREATE INDEX credit_entries_reference ON credit_entries (reference_type, reference_id)`);
    await q.query(`CREATE INDEX credit_entries_holds ON credit_entries (created_at) WHERE kind = 'hold'`);
    await q.query(`CREATE INDEX credit_entries_expiring ON credit_entries (expires_at) WHERE kind = 'grant' AND expires_at IS NOT NULL`);

    await q.query(`
      CREATE FUNCTION credit_entries_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE'
           AND NEW.user_id IS NULL
           AND (NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id OR (NEW.actor_id IS NULL AND OLD.actor_type = 'user'))
           AND (to_jsonb(NEW) - 'user_id' - 'actor_id') = (to_jsonb(OLD) - 'user_id' - 'actor_id') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'credit_entries is append-only: % is not allowed (only erasure may clear the user reference)', TG_OP
          USING ERRCODE = 'insufficient_privilege', HINT = 'Record a new entry (release, refund, adjustment) instead.';
      END $$`);
    await q.query(`CREATE TRIGGER credit_entries_append_only BEFORE UPDATE ON credit_entries FOR EACH ROW EXECUTE FUNCTION credit_entries_guard()`);
    await q.query(`CREATE TRIGGER credit_entries_no_delete BEFORE DELETE OR TRUNCATE ON credit_entries FOR EACH STATEMENT EXECUTE FUNCTION credit_entries_guard()`);
    await q.query(`REVOKE DELETE, TRUNCATE ON credit_entries FROM PUBLIC, CURRENT_USER`);

    await q.query(`
      CREATE TABLE credit_balances (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        balance bigint NOT NULL DEFAULT 0,
        held bigint NOT NULL DEFAULT 0 CHECK (held >= 0),
        flagged_at timestamptz,
        flag_reason text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`COMMENT ON TABLE credit_balances IS 'Per-user sums of credit_entries.amount and held_delta, maintained with each entry; its row lock serializes a user''s ledger changes'`);
    await q.query(`CREATE INDEX credit_balances_flagged ON credit_balances (flagged_at) WHERE flagged_at IS NOT NULL`);

    // The per-adjustment limit for support agents, set by admins (one row).
    await q.query(`
      CREATE TABLE credit_settings (
        id smallint PRIMARY KEY CHECK (id = 1),
        support_adjustment_limit integer NOT NULL CHECK (support_adjustment_limit >= 0),
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid
      )`);
    await q.query(`INSERT INTO credit_settings (id, support_adjustment_limit) VALUES (1, 100)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE credit_settings`);
    await q.query(`DROP TABLE credit_balances`);
    await q.query(`GRANT DELETE, TRUNCATE ON credit_entries TO CURRENT_USER`);
    await q.query(`DROP TRIGGER credit_entries_no_delete ON credit_entries`);
    await q.query(`DROP TRIGGER credit_entries_append_only ON credit_entries`);
    await q.query(`DROP TABLE credit_entries`);
    await q.query(`DROP FUNCTION credit_entries_guard()`);
  }
}
