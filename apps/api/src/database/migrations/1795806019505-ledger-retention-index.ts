import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The ledger_anonymisation sweep (billing/ledger-retention.ts) finds credit entries still linked to
 * an account and older than 7 years; this partial index lets each batch read only those, instead of
 * scanning the ledger from its start every time (anonymised rows leave the index).
 */
export class LedgerRetentionIndex1795806019505 implements MigrationInterface {
  name = 'LedgerRetentionIndex1795806019505';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX credit_entries_linked_created_idx ON credit_entries (created_at) WHERE user_id IS NOT NULL`);
    await q.query(`CREATE INDEX stripe_invoices_linked_paid_idx ON stripe_invoices (paid_at) WHERE user_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS stripe_invoices_linked_paid_idx`);
    await q.query(`DROP INDEX IF EXISTS credit_entries_linked_created_idx`);
  }
}
