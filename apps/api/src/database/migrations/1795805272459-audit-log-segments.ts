import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit-log archive (docs/audit-log.md, decision 021). Old entries move into immutable JSON Lines
 * segment files in object storage; `audit_log_segments` records each one: its contiguous sequence
 * range, the hash the range links to (first_prev_hash), its last entry's hash and the file's SHA-256.
 *
 * - Segments only extend the archive at its end (each starts right after the last one and links to
 *   its last hash); a row is never deleted, and only `file_deleted_at` may be set, once, when the
 *   file is purged after the retention period (the row keeps the boundary hashes for verification).
 * - `audit_log` keeps refusing UPDATE and TRUNCATE for everyone; DELETE is now allowed row by row,
 *   but only of an entry that a recorded segment covers (its file still present), and the boundary
 *   entries must carry the hashes the segment recorded. Deleting an unarchived entry still fails.
 */
export class AuditLogSegments1795805272459 implements MigrationInterface {
  name = 'AuditLogSegments1795805272459';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_log_segments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        format smallint NOT NULL DEFAULT 1 CHECK (format = 1),
        first_sequence bigint NOT NULL CHECK (first_sequence > 0),
        last_sequence bigint NOT NULL,
        entry_count integer NOT NULL,
        first_prev_hash bytea NOT NULL CHECK (octet_length(first_prev_hash) = 32),
        last_hash bytea NOT NULL CHECK (octet_length(last_hash) = 32),
        first_occurred_at timestamptz NOT NULL,
        last_occurred_at timestamptz NOT NULL,
        storage_key text NOT NULL,
        file_sha256 bytea NOT NULL CHECK (octet_length(file_sha256) = 32),
        file_bytes bigint NOT NULL CHECK (file_bytes > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        file_deleted_at timestamptz,
        CHECK (last_sequence >= first_sequence),
        CHECK (entry_count = last_sequence - first_sequence + 1)
      )`);
    await q.query(`COMMENT ON TABLE audit_log_segments IS 'Archived audit-log ranges: boundary hashes and file checksum; rows are never deleted'`);
    await q.query(`CREATE UNIQUE INDEX audit_log_segments_first_key ON audit_log_segments (first_sequence)`);
    await q.query(`CREATE UNIQUE INDEX audit_log_segments_last_key ON audit_log_segments (last_sequence)`);
    await q.query(`CREATE INDEX audit_log_segments_purge_idx ON audit_log_segments (last_occurred_at) WHERE file_deleted_at IS NULL`);

    await q.query(`
      CREATE FUNCTION audit_log_segments_guard() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        prev audit_log_segments%ROWTYPE;
      BEGIN
        IF TG_OP = 'INSERT' THEN
          SELECT * INTO prev FROM audit_log_segments ORDER BY last_sequence DESC LIMIT 1;
          IF NEW.first_sequence <> coalesce(prev.last_sequence, 0) + 1
             OR NEW.first_prev_hash <> coalesce(prev.last_hash, '\\x${'00'.repeat(32)}'::bytea) THEN
            RAISE EXCEPTION 'an audit-log segment must start right after the last archived one and link to its last hash'
              USING ERRCODE = 'insufficient_privilege';
          END IF;
          IF NEW.last_sequence > (SELECT last_sequence FROM audit_chain_head WHERE id = 1) THEN
            RAISE EXCEPTION 'an audit-log segment cannot go beyond the chain head' USING ERRCODE = 'insufficient_privilege';
          END IF;
          NEW.file_deleted_at := NULL;
          RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.file_deleted_at IS NULL AND NEW.file_deleted_at IS NOT NULL
           AND (to_jsonb(NEW) - 'file_deleted_at') = (to_jsonb(OLD) - 'file_deleted_at') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_log_segments rows are never changed or removed (only the purge of a file is recorded): % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_log_segments_guard_row BEFORE INSERT OR UPDATE ON audit_log_segments FOR EACH ROW EXECUTE FUNCTION audit_log_segments_guard()`);
    await q.query(`CREATE TRIGGER audit_log_segments_keep BEFORE DELETE OR TRUNCATE ON audit_log_segments FOR EACH STATEMENT EXECUTE FUNCTION audit_log_segments_guard()`);
    await q.query(`REVOKE DELETE, TRUNCATE ON audit_log_segments FROM PUBLIC, CURRENT_USER`);

    // audit_log: UPDATE and TRUNCATE stay refused by the statement trigger; DELETE moves to a row
    // trigger that lets through archived entries only.
    await q.query(`DROP TRIGGER audit_log_append_only ON audit_log`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`
      CREATE FUNCTION audit_log_delete_archived_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (
          SELECT 1 FROM audit_log_segments s
           WHERE OLD.sequence BETWEEN s.first_sequence AND s.last_sequence
             AND s.file_deleted_at IS NULL
             AND (OLD.sequence <> s.last_sequence OR OLD.hash = s.last_hash)
             AND (OLD.sequence <> s.first_sequence OR OLD.prev_hash = s.first_prev_hash)) THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_log entry % is not archived: only entries covered by a recorded segment may leave the table', OLD.sequence
          USING ERRCODE = 'insufficient_privilege', HINT = 'Archive the range first (AuditArchiveService); entries are never edited.';
      END $$`);
    await q.query(`
      CREATE TRIGGER audit_log_delete_archived BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_delete_archived_only()`);
    // The trigger is the guard now; the application role needs DELETE to archive (docs/audit-log.md).
    await q.query(`GRANT DELETE ON audit_log TO CURRENT_USER`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE DELETE ON audit_log FROM CURRENT_USER`);
    await q.query(`DROP TRIGGER audit_log_delete_archived ON audit_log`);
    await q.query(`DROP FUNCTION audit_log_delete_archived_only()`);
    await q.query(`DROP TRIGGER audit_log_append_only ON audit_log`);
    await q.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()`);
    await q.query(`GRANT DELETE, TRUNCATE ON audit_log_segments TO CURRENT_USER`);
    await q.query(`DROP TABLE audit_log_segments`);
    await q.query(`DROP FUNCTION audit_log_segments_guard()`);
  }
}
