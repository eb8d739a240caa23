import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy requests (GDPR/CCPA/COPPA): the request with its deadlines, verification and workflow
 * state, and its timeline (every transition and message). Timeline rows are never updated except
 * to strip a message body when the subject's data is erased; they are never deleted while the
 * request exists (the record skeleton is kept as legal proof, CCPA §7101).
 */
export class PrivacyRequests1795794360380 implements MigrationInterface {
  name = 'PrivacyRequests1795794360380';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE privacy_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN ('access','portability','correction','deletion','restriction','opt_out','consent_withdrawal','objection')),
        requester_type text NOT NULL CHECK (requester_type IN ('self','authorized_agent','parent')),
        regimes text[] NOT NULL,
        status text NOT NULL,
        status_changed_at timestamptz NOT NULL DEFAULT now(),
        held_from text,
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        requester_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        email text,
        subject_email text,
        region text,
        details text,
        proposed_changes jsonb,
        applied_changes jsonb,
        duplicate_of uuid REFERENCES privacy_requests(id),
        received_at timestamptz NOT NULL DEFAULT now(),
        due_at timestamptz NOT NULL,
        acknowledge_by date,
        extension_notice_by date NOT NULL,
        extended_at timestamptz,
        extension_reason text,
        clock_stops jsonb NOT NULL DEFAULT '[]',
        assignee_id uuid REFERENCES staff(id),
        denial_reason text,
        denial_text text,
        verification_stage text,
        code_hash bytea,
        code_expires_at timestamptz,
        code_attempts integer NOT NULL DEFAULT 0,
        access_token_hash bytea,
        verified_at timestamptz,
        subject_confirmed_at timestamptz,
        proof_storage_key text,
        parent_evidence jsonb,
        reminder_sent_at timestamptz,
        fulfilment jsonb NOT NULL DEFAULT '{}',
        completed_at timestamptz,
        personal_data_stripped_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX privacy_requests_status_due_idx ON privacy_requests (status, due_at)`);
    await q.query(`CREATE INDEX privacy_requests_user_idx ON privacy_requests (user_id)`);
    await q.query(`CREATE INDEX privacy_requests_email_idx ON privacy_requests (lower(email))`);
    await q.query(`CREATE INDEX privacy_requests_assignee_idx ON privacy_requests (assignee_id)`);
    await q.query(`
      CREATE TABLE privacy_request_events (
        id bigserial PRIMARY KEY,
        request_id uuid NOT NULL REFERENCES privacy_requests(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT now(),
        kind text NOT NULL,
        from_status text,
        to_status text,
        actor_type text NOT NULL,
        actor_id text,
        body text,
        visible_to_requester boolean NOT NULL DEFAULT false,
        details jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX privacy_request_events_request_idx ON privacy_request_events (request_id, id)`);
    await q.query(`
      CREATE FUNCTION privacy_request_events_keep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          -- Rows go only with their request (ON DELETE CASCADE), never one by one.
          IF EXISTS (SELECT 1 FROM privacy_requests WHERE id = OLD.request_id) THEN
            RAISE EXCEPTION 'privacy_request_events rows are kept while their request exists';
          END IF;
          RETURN OLD;
        END IF;
        IF NEW.kind IS DISTINCT FROM OLD.kind OR NEW.at IS DISTINCT FROM OLD.at OR NEW.request_id IS DISTINCT FROM OLD.request_id
           OR NEW.from_status IS DISTINCT FROM OLD.from_status OR NEW.to_status IS DISTINCT FROM OLD.to_status
           OR NEW.actor_type IS DISTINCT FROM OLD.actor_type OR NEW.actor_id IS DISTINCT FROM OLD.actor_id
           OR (NEW.body IS NOT NULL AND NEW.body IS DISTINCT FROM OLD.body) THEN
          RAISE EXCEPTION 'privacy_request_events rows are append-only (only a body may be stripped)';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER privacy_request_events_append_only BEFORE UPDATE OR DELETE ON privacy_request_events
        FOR EACH ROW EXECUTE FUNCTION privacy_request_events_keep()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE privacy_request_events`);
    await q.query(`DROP FUNCTION privacy_request_events_keep()`);
    await q.query(`DROP TABLE privacy_requests`);
  }
}
