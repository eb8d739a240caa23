import type { DataSource } from 'typeorm';
import type { ErasureOutcome, PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';
import { ENTRY_COLUMNS, sqlRows, toEntryView } from './credits.service';

type EntryRow = Parameters<typeof toEntryView>[0];
const PAGE = 500;

/**
 * `billing.credits`: the user's credit ledger. Erasure anonymises instead of deleting: the entries are
 * accounting records (kept 7 years for tax, COMPLIANCE.md), so their amounts, kinds, dates and
 * references stay and only the user reference (and the actor id where the actor was the user) is
 * cleared — the one change the table's append-only trigger allows. The per-user totals row is deleted.
 */
export function creditsPersonalDataSource(dataSource: DataSource): PersonalDataSource {
  return {
    category: 'billing.credits',
    description: 'Your credit ledger: every grant, purchase, hold, capture, release, refund, adjustment, expiry and clawback of credits, with its reason.',
    purposes: ['Providing the service (credits pay for video generations)', 'Accounting and tax records'],
    sources: ['system', 'stripe', 'staff'],
    async *export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord> {
      let after = '0';
      for (;;) {
        const rows = await sqlRows<EntryRow>(dataSource.manager, `SELECT ${ENTRY_COLUMNS} FROM credit_entries WHERE user_id = $1 AND seq > $2::bigint ORDER BY seq LIMIT $3`, [
          subject.userId,
          after,
          PAGE,
        ]);
        for (const row of rows) {
          const v = toEntryView(row);
          yield {
            data: {
              id: v.id,
              kind: v.kind,
              amount: v.amount,
              heldDelta: v.heldDelta,
              holdId: v.holdId,
              referenceType: v.referenceType,
              referenceId: v.referenceId,
              actorType: v.actorType,
              reason: v.reason,
              expiresAt: v.expiresAt,
              createdAt: v.createdAt,
            },
          };
        }
        if (rows.length < PAGE) return;
        after = String(rows[rows.length - 1]?.seq);
      }
    },
    async erase(subject: PersonalDataSubject): Promise<ErasureOutcome> {
      return dataSource.transaction(async (m) => {
        const anonymised = await sqlRows<{ id: string }>(
          m,
          `UPDATE credit_entries SET user_id = NULL, actor_id = CASE WHEN actor_type = 'user' THEN NULL ELSE actor_id END WHERE user_id = $1 RETURNING id`,
          [subject.userId],
        );
        const deleted = await sqlRows<{ user_id: string }>(m, `DELETE FROM credit_balances WHERE user_id = $1 RETURNING user_id`, [subject.userId]);
        return {
          deleted: deleted.length,
          anonymised: anonymised.length,
          retained:
            anonymised.length > 0
              ? [{ count: anonymised.length, basis: 'Credit ledger entries are accounting records kept for 7 years (tax law); the link to the person is removed, amounts, dates and invoice references are kept.' }]
              : [],
        };
      });
    },
  };
}
