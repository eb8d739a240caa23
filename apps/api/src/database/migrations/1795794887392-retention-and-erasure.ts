import { MigrationInterface, QueryRunner } from 'typeorm';

// COMPLIANCE.md defaults as of this migration (category, description, keep days, anchor, action, legal basis).
// Written out, not imported, so that later changes to the defaults never change what this migration did.
const DEFAULTS: Array<[string, string, number, string, string, string]> = [
  ["account_profile","Account profile after a deletion request (grace period, cancellable)",30,"deletion requested","erase","Privacy policy: account data removed within 30 days of a deletion request"],
  ["videos","Generated videos and reference images of accounts without a plan that keeps them longer",30,"video completed (per plan)","purge","Privacy policy: videos kept per plan storage limits"],
  ["user_deleted_videos","Videos the user deleted",30,"deleted by the user","purge","Privacy policy: deleted content erased from active systems within 30 days"],
  ["access_logs","Device and access logs (IP address, user agent)",90,"recorded","delete","Data minimisation (GDPR Art. 5(1)(e))"],
  ["login_codes_and_tokens","Login codes, verification codes and download tokens",1,"expired","delete","Data minimisation"],
  ["access_packages","Access and portability packages",7,"package ready","purge","Data minimisation"],
  ["tickets","Support tickets and their messages",730,"ticket closed","anonymise","Legitimate interest in handling follow-up claims (2 years)"],
  ["privacy_request_records","Privacy-request records",730,"request closed","anonymise","CCPA 11 CCR §7101: records kept at least 24 months"],
  ["audit_log_archive","Audit log segments",2190,"recorded","archive","Accountability (6 years); entries are never edited"],
  ["ledger_anonymisation","Credit ledger and invoice references",2555,"entry recorded","anonymise","Tax and accounting records (7 years)"],
];

/**
 * Retention policies (one per data category, seeded with COMPLIANCE.md's defaults), the record of
 * every sweep run, account erasures (grace period, holds, per-category progress) and the deletion
 * certificates that outlive them. Certificates hold no email: only a salted hash.
 */
export class RetentionAndErasure1795794887392 implements MigrationInterface {
  name = 'RetentionAndErasure1795794887392';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_policies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        category text NOT NULL UNIQUE,
        description text NOT NULL,
        keep_days integer NOT NULL CHECK (keep_days BETWEEN 0 and 36500),
        anchor text NOT NULL,
        action text NOT NULL CHECK (action IN ('erase','purge','delete','anonymise','archive')),
        legal_basis text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by uuid REFERENCES staff(id)
      )`);
    for (const row of DEFAULTS) {
      await q.query(`INSERT INTO retention_policies (category, description, keep_days, anchor, action, legal_basis) VALUES ($1,$2,$3,$4,$5,$6)`, row);
    }
    await q.query(`
      CREATE TABLE retention_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        policy_id uuid NOT NULL REFERENCES retention_policies(id),
        category text NOT NULL,
        trigger text NOT NULL CHECK (trigger IN ('schedule','manual')),
        started_by uuid REFERENCES staff(id),
        status text NOT NULL CHECK (status IN ('queued','running','completed','failed')),
        keep_days integer NOT NULL,
        cutoff timestamptz NOT NULL,
        matched integer NOT NULL DEFAULT 0,
        deleted integer NOT NULL DEFAULT 0,
        anonymised integer NOT NULL DEFAULT 0,
        skipped_on_hold integer NOT NULL DEFAULT 0,
        errors integer NOT NULL DEFAULT 0,
        batches integer NOT NULL DEFAULT 0,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        duration_ms integer
      )`);
    await q.query(`CREATE INDEX retention_runs_policy_idx ON retention_runs (policy_id, created_at DESC)`);
    await q.query(`CREATE INDEX retention_runs_created_idx ON retention_runs (created_at DESC)`);

    await q.query(`
      CREATE TABLE erasures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        request_id uuid,
        child boolean NOT NULL DEFAULT false,
        status text NOT NULL CHECK (status IN ('scheduled','waiting_on_hold','running','completed','canceled','failed')),
        reason text NOT NULL,
        previous_status text,
        subject_email_hash text NOT NULL,
        subject_email_salt text NOT NULL,
        run_after timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by_type text NOT NULL CHECK (created_by_type IN ('user','staff','system')),
        created_by_id uuid,
        hold_reason text,
        started_at timestamptz,
        completed_at timestamptz,
        canceled_at timestamptz,
        cancel_reason text,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        steps jsonb NOT NULL DEFAULT '{}'::jsonb,
        certificate_id uuid
      )`);
    await q.query(`CREATE UNIQUE INDEX erasures_one_open_per_user ON erasures (user_id) WHERE status IN ('scheduled','waiting_on_hold','running')`);
    await q.query(`CREATE INDEX erasures_due_idx ON erasures (run_after) WHERE status IN ('scheduled','waiting_on_hold')`);

    await q.query(`
      CREATE TABLE deletion_certificates (
        id uuid PRIMARY KEY,
        erasure_id uuid NOT NULL UNIQUE REFERENCES erasures(id),
        subject_id uuid NOT NULL,
        subject_email_hash text NOT NULL,
        request_id uuid,
        issued_at timestamptz NOT NULL DEFAULT now(),
        key_fingerprint text NOT NULL,
        document jsonb NOT NULL,
        pdf_storage_key text NOT NULL
      )`);
    await q.query(`CREATE INDEX deletion_certificates_issued_idx ON deletion_certificates (issued_at DESC)`);
    // Certificates are evidence: never changed or removed.
    await q.query(`
      CREATE FUNCTION deletion_certificates_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'deletion_certificates is append-only: % is not allowed', TG_OP;
      END $$`);
    await q.query(`CREATE TRIGGER deletion_certificates_append_only BEFORE UPDATE OR DELETE ON deletion_certificates FOR EACH ROW EXECUTE FUNCTION deletion_certificates_refuse_change()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deletion_certificates`);
    await q.query(`DROP FUNCTION deletion_certificates_refuse_change()`);
    await q.query(`DROP TABLE erasures`);
    await q.query(`DROP TABLE retention_runs`);
    await q.query(`DROP TABLE retention_policies`);
  }
}
