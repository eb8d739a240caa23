import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Support desk: tickets (SLA due times and breach flags kept on the row), their conversation
 * (public replies and internal notes, append-only), attachments (stored objects with SHA-256),
 * SLA policies per priority, canned replies (macros) and the emailed codes of guest tickets
 * (people locked out of their account open `account`/`security_report` tickets by email).
 */
export class SupportDesk1795794157495 implements MigrationInterface {
  name = 'SupportDesk1795794157495';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE support_ticket_number_seq START 1000`);
    await q.query(`
      CREATE TABLE support_tickets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number bigint NOT NULL UNIQUE DEFAULT nextval('support_ticket_number_seq'),
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        requester_email text CHECK (requester_email IS NULL OR (requester_email = lower(requester_email) AND position('@' in requester_email) > 1)),
        channel text NOT NULL CHECK (channel IN ('api','guest_email')),
        subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        category text NOT NULL CHECK (category IN ('generation_problem','billing','account','privacy','security_report','other')),
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new','open','pending','on_hold','solved','closed')),
        priority text NOT NULL CHECK (priority IN ('low','normal','high','urgent')),
        assignee_id uuid REFERENCES staff(id),
        linked_job_ids uuid[] NOT NULL DEFAULT '{}',
        privacy_request_id uuid,
        first_response_due_at timestamptz,
        resolution_due_at timestamptz,
        first_responded_at timestamptz,
        solved_at timestamptz,
        closed_at timestamptz,
        first_response_breached boolean NOT NULL DEFAULT false,
        resolution_breached boolean NOT NULL DEFAULT false,
        -- Business seconds of resolution time spent while pending (waiting on the user): the clock is paused.
        paused_since timestamptz,
        paused_business_seconds bigint NOT NULL DEFAULT 0 CHECK (paused_business_seconds >= 0),
        last_message_id uuid,
        last_user_reply_at timestamptz,
        anonymised_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (user_id IS NOT NULL OR requester_email IS NOT NULL OR anonymised_at IS NOT NULL),
        CHECK (category <> 'security_report' OR priority = 'urgent')
      )`);
    await q.query(`CREATE INDEX support_tickets_user_idx ON support_tickets (user_id, created_at DESC) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX support_tickets_inbox_idx ON support_tickets (status, assignee_id, created_at DESC)`);
    await q.query(`CREATE INDEX support_tickets_created_idx ON support_tickets (created_at)`);
    await q.query(`CREATE INDEX support_tickets_solved_idx ON support_tickets (solved_at) WHERE status = 'solved'`);

    await q.query(`
      CREATE TABLE support_ticket_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_id uuid NOT NULL REFERENCES support_tickets(id) ON DELETE CASCADE,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        kind text NOT NULL CHECK (kind IN ('user_message','public_reply','internal_note','system')),
        author_type text NOT NULL CHECK (author_type IN ('user','requester','staff','system')),
        author_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        author_staff_id uuid REFERENCES staff(id),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
        notification_id uuid,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX support_ticket_messages_ticket_idx ON support_ticket_messages (ticket_id, seq)`);
    await q.query(`CREATE INDEX support_ticket_messages_user_idx ON support_ticket_messages (author_user_id) WHERE author_user_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE support_ticket_attachments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        ticket_id uuid NOT NULL REFERENCES support_tickets(id) ON DELETE CASCADE,
        message_id uuid REFERENCES support_ticket_messages(id) ON DELETE SET NULL,
        uploaded_by_user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
        content_type text NOT NULL CHECK (content_type IN ('image/png','image/jpeg','application/pdf','text/plain')),
        size_bytes integer NOT NULL CHECK (size_bytes > 0 AND size_bytes <= 10485760),
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        storage_key text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX support_ticket_attachments_ticket_idx ON support_ticket_attachments (ticket_id)`);

    await q.query(`
      CREATE TABLE support_sla_policies (
        priority text PRIMARY KEY CHECK (priority IN ('low','normal','high','urgent')),
        first_response_minutes integer NOT NULL CHECK (first_response_minutes > 0),
        resolution_minutes integer NOT NULL CHECK (resolution_minutes > 0),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Business minutes (Mon–Fri 09:00–17:00 UTC by default, see SUPPORT_BUSINESS_HOURS).
    await q.query(`
      INSERT INTO support_sla_policies (priority, first_response_minutes, resolution_minutes) VALUES
        ('urgent', 60, 480), ('high', 240, 960), ('normal', 480, 2400), ('low', 960, 4800)`);

    await q.query(`
      CREATE TABLE support_macros (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL UNIQUE CHECK (length(title) BETWEEN 1 AND 120),
        body text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
        category text CHECK (category IS NULL OR category IN ('generation_problem','billing','account','privacy','security_report','other')),
        created_by uuid REFERENCES staff(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE support_guest_requests (
        id uuid PRIMARY KEY,
        email text NOT NULL CHECK (email = lower(email) AND position('@' in email) > 1),
        category text NOT NULL CHECK (category IN ('account','security_report')),
        subject text NOT NULL,
        body text NOT NULL,
        code_hash bytea NOT NULL CHECK (length(code_hash) = 32),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        ticket_id uuid REFERENCES support_tickets(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX support_guest_requests_expires_idx ON support_guest_requests (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE support_guest_requests`);
    await q.query(`DROP TABLE support_macros`);
    await q.query(`DROP TABLE support_sla_policies`);
    await q.query(`DROP TABLE support_ticket_attachments`);
    await q.query(`DROP TABLE support_ticket_messages`);
    await q.query(`DROP TABLE support_tickets`);
    await q.query(`DROP SEQUENCE support_ticket_number_seq`);
  }
}
