import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A privacy request converted from a support ticket keeps the ticket's id (the ticket keeps the
 * request's id in support_tickets.privacy_request_id), so the link is kept both ways. A ticket
 * erased later only clears the reference.
 */
export class PrivacyRequestTicket1795797705978 implements MigrationInterface {
  name = 'PrivacyRequestTicket1795797705978';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_requests ADD COLUMN ticket_id uuid REFERENCES support_tickets(id) ON DELETE SET NULL`);
    await q.query(`CREATE INDEX privacy_requests_ticket_idx ON privacy_requests (ticket_id) WHERE ticket_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS privacy_requests_ticket_idx`);
    await q.query(`ALTER TABLE privacy_requests DROP COLUMN IF EXISTS ticket_id`);
  }
}
