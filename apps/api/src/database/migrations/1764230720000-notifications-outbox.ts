import { MigrationInterface, QueryRunner } from 'typeorm';

/** The email outbox: every message is a row first, written in the transaction of the change that caused it. */
export class NotificationsOutbox1764230720000 implements MigrationInterface {
  name = 'NotificationsOutbox1764230720000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9]*([._-][a-z0-9]+)*$' AND length(kind) <= 64),
        class text NOT NULL CHECK (class IN ('service_critical','marketing')),
        recipient text NOT NULL CHECK (length(recipient) <= 254 AND position('@' in recipient) > 1),
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        subject text NOT NULL,
        text_body text NOT NULL,
        html_body text,
        headers jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(headers) = 'object'),
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sending','sent','failed','suppressed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        max_attempts integer NOT NULL CHECK (max_attempts BETWEEN 1 AND 50),
        next_attempt_at timestamptz,
        last_error text CHECK (length(last_error) <= 500),
        provider_message_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT notifications_schedule_check CHECK ((status IN ('queued','sending')) = (next_attempt_at IS NOT NULL)),
        CONSTRAINT notifications_sent_at_check CHECK ((status = 'sent') = (sent_at IS NOT NULL))
      )`);
    // The worker's pick query: due rows among the few still in flight, oldest first.
    await q.query(`CREATE INDEX notifications_due_idx ON notifications (next_attempt_at) WHERE status IN ('queued','sending')`);
    // The console's default listing and its status filter.
    await q.query(`CREATE INDEX notifications_created_at_idx ON notifications (created_at DESC)`);
    await q.query(`CREATE INDEX notifications_status_created_at_idx ON notifications (status, created_at DESC)`);
    // Export and erasure of one user's messages.
    await q.query(`CREATE INDEX notifications_user_id_idx ON notifications (user_id) WHERE user_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
  }
}
