import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy requests: `awaiting_officer_since` flags a request whose requester wrote last (set by the
 * requester's message, cleared by the officer's reply or a status change), with a partial index for
 * the console's filter and sort. Sub-processors: an optional `privacy_contact_email` where a
 * rectification, erasure or restriction is notified (GDPR Art. 19).
 */
export class PrivacyAlertsAndRecipients1795807841460 implements MigrationInterface {
  name = 'PrivacyAlertsAndRecipients1795807841460';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE privacy_requests ADD COLUMN awaiting_officer_since timestamptz`);
    await q.query(`CREATE INDEX privacy_requests_awaiting_officer_idx ON privacy_requests (awaiting_officer_since) WHERE awaiting_officer_since IS NOT NULL`);
    await q.query(`ALTER TABLE subprocessors ADD COLUMN privacy_contact_email text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE subprocessors DROP COLUMN privacy_contact_email`);
    await q.query(`DROP INDEX IF EXISTS privacy_requests_awaiting_officer_idx`);
    await q.query(`ALTER TABLE privacy_requests DROP COLUMN awaiting_officer_since`);
  }
}
