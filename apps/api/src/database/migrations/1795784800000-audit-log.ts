import { randomBytes } from 'node:crypto';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The append-only, hash-chained audit log and its one-row chain head (see apps/api/src/audit and
 * docs/audit-log.md). PostgreSQL itself refuses UPDATE, DELETE and TRUNCATE on the log: a trigger
 * for everyone (superusers included, unless they disable it), and revoked privileges for roles that
 * are not superusers. The CHECK constraints on action, actor_type, subject_type and ip also let the
 * in-database verifier quote those columns without JSON escaping (audit-chain-sql.ts).
 */
export class AuditLog1795784800000 implements MigrationInterface {
  name = 'AuditLog1795784800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log (
        id uuid PRIMARY KEY,
        sequence bigint NOT NULL CHECK (sequence > 0),
        occurred_at timestamptz NOT NULL CHECK (occurred_at = date_trunc('milliseconds', occurred_at)),
        actor_type text NOT NULL CHECK (actor_type IN ('staff','user','system','agent','anonymous')),
        actor_id text,
        actor_role text,
        action text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'),
        subject_type text CHECK (subject_type ~ '^[a-z][a-z0-9_-]*$'),
        subject_id text,
        request_id text,
        ip text CHECK (ip IS NULL OR ip::inet IS NOT NULL),
        details json NOT NULL DEFAULT '{}' CHECK (json_typeof(details) = 'object'),
        prev_hash bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (octet_length(hash) = 32)
      )`);
    await q.query(`COMMENT ON COLUMN audit_log.ip IS 'Client address: personal data, never logged'`);
    // json, not jsonb: json keeps the exact text, which is what the hash covers, so the chain can be
    // verified inside PostgreSQL without re-serializing the details.
    await q.query(`COMMENT ON COLUMN audit_log.details IS 'Canonical JSON (RFC 8785) exactly as hashed'`);
    await q.query(`CREATE UNIQUE INDEX audit_log_sequence_key ON audit_log (sequence)`);
    await q.query(`CREATE INDEX audit_log_occurred_at_idx ON audit_log (occurred_at)`);
    await q.query(`CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, sequence)`);
    await q.query(`CREATE INDEX audit_log_subject_idx ON audit_log (subject_id, sequence)`);
    await q.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, sequence)`);

    // The chain head serializes appends (its row lock) and records where the chain ends, so that
    // entries removed from the end are detected too. The pseudonym key salts hashes of identifiers
    // that must not be stored in clear (e.g. the email of a failed sign-in); it never leaves the database.
    await q.query(`
      CREATE TABLE audit_chain_head (
        id smallint PRIMARY KEY CHECK (id = 1),
        last_sequence bigint NOT NULL CHECK (last_sequence >= 0),
        last_hash bytea NOT NULL CHECK (octet_length(last_hash) = 32),
        pseudonym_key bytea NOT NULL CHECK (octet_length(pseudonym_key) = 32)
      )`);
    await q.query(`INSERT INTO audit_chain_head (id, last_sequence, last_hash, pseudonym_key) VALUES (1, 0, $1, $2)`, [
      Buffer.alloc(32),
      randomBytes(32),
    ]);

    await q.query(`
      CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege', HINT = 'Audit entries are never changed or removed; record a new entry instead.';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'UPDATE' THEN
          RAISE EXCEPTION 'audit_chain_head cannot be changed by %', TG_OP USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NEW.id <> OLD.id OR NEW.last_sequence < OLD.last_sequence OR NEW.pseudonym_key <> OLD.pseudonym_key THEN
          RAISE EXCEPTION 'audit_chain_head only moves forward' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_chain_head_forward_only BEFORE UPDATE ON audit_chain_head
        FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard()`);
    await q.query(`
      CREATE TRIGGER audit_chain_head_keep BEFORE DELETE OR TRUNCATE ON audit_chain_head
        FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_guard()`);

    // Superusers ignore privileges (the triggers still stop them); other roles, the owner included, lose them.
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, CURRENT_USER`);
    await q.query(`REVOKE DELETE, TRUNCATE ON audit_chain_head FROM PUBLIC, CURRENT_USER`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`GRANT UPDATE, DELETE, TRUNCATE ON audit_log TO CURRENT_USER`);
    await q.query(`GRANT DELETE, TRUNCATE ON audit_chain_head TO CURRENT_USER`);
    await q.query(`DROP TRIGGER audit_chain_head_keep ON audit_chain_head`);
    await q.query(`DROP TRIGGER audit_chain_head_forward_only ON audit_chain_head`);
    await q.query(`DROP TRIGGER audit_log_append_only ON audit_log`);
    await q.query(`DROP FUNCTION audit_chain_head_guard()`);
    await q.query(`DROP FUNCTION audit_log_refuse_change()`);
    await q.query(`DROP TABLE audit_chain_head`);
    await q.query(`DROP TABLE audit_log`);
  }
}
