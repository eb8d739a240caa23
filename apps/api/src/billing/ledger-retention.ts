// Ledger anonymisation (COMPLIANCE.md: accounting records kept 7 years, then without the person).
// Past the `ledger_anonymisation` policy's period the ledger keeps every amount, kind, date and
// reference, but no longer says whose it was:
// - credit_entries: the user reference (and the actor id when the actor was that user) is cleared —
//   the only change the ledger's append-only trigger allows;
// - stripe_invoices: the user reference;
// - stripe_events: the user reference and the Stripe customer id (which Stripe links to the person;
//   no payload is ever stored).
// Rows of a user under a legal hold are kept as they are. The account's balance (credit_balances)
// is untouched: an account still open keeps its total, and its ledger view starts with the entries
// still linked to it.
import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow, userHeldSql } from '../retention/retention-sweepers.registry';

interface Part {
  table: string;
  key: string;
  due: string;
  set: string;
}

const PARTS: Part[] = [
  {
    table: 'credit_entries',
    key: 'id',
    due: `t.user_id IS NOT NULL AND t.created_at <= $1`,
    set: `user_id = NULL, actor_id = CASE WHEN actor_type = 'user' THEN NULL ELSE actor_id END`,
  },
  { table: 'stripe_invoices', key: 'invoice_id', due: `t.user_id IS NOT NULL AND t.paid_at <= $1`, set: `user_id = NULL` },
  { table: 'stripe_events', key: 'id', due: `(t.user_id IS NOT NULL OR t.customer_id IS NOT NULL) AND t.received_at <= $1`, set: `user_id = NULL, customer_id = NULL` },
];

/** stripe_events rows without a user id are held when the customer id belongs to a held user. */
function heldSql(p: Part): string {
  const byUser = userHeldSql('t.user_id');
  if (p.table !== 'stripe_events') return byUser;
  return `(${byUser} OR EXISTS (SELECT 1 FROM stripe_customers sc WHERE sc.customer_id = t.customer_id AND ${userHeldSql('sc.user_id')}))`;
}

export function ledgerAnonymisationSweeper(deps: { audit: AuditService }): RetentionSweeper {
  return {
    category: 'ledger_anonymisation',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      let matched = 0;
      let held = 0;
      const heldExamples: SweepPreview['heldExamples'] = [];
      for (const p of PARTS) {
        const [c]: Array<{ matched: number; held: number }> = await m.query(
          `SELECT count(*)::int AS matched, count(*) FILTER (WHERE ${heldSql(p)})::int AS held FROM ${p.table} t WHERE ${p.due}`,
          [w.cutoff],
        );
        matched += c!.matched;
        held += c!.held;
        if (c!.held > 0 && heldExamples.length < 10 && p.table !== 'stripe_events') {
          const examples: Array<{ id: string; hold_id: string; reason: string }> = await m.query(
            `SELECT t.${p.key}::text AS id, lh.id AS hold_id, lh.reason FROM ${p.table} t
               JOIN legal_holds lh ON lh.scope_type = 'user' AND lh.scope_id = t.user_id AND lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
              WHERE ${p.due} LIMIT $2`,
            [w.cutoff, 10 - heldExamples.length],
          );
          heldExamples.push(...examples.map((e) => ({ recordId: `${p.table}:${e.id}`, holdId: e.hold_id, reason: e.reason })));
        }
      }
      return { matched, held, heldExamples };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      let left = batchSize;
      const counts: Record<string, number> = {};
      for (const p of PARTS) {
        if (left <= 0) break;
        const [{ n }]: Array<{ n: number }> = await m.query(
          `WITH due AS (SELECT t.${p.key} FROM ${p.table} t WHERE ${p.due} AND NOT ${heldSql(p)} LIMIT $2 FOR UPDATE SKIP LOCKED),
                done AS (UPDATE ${p.table} SET ${p.set} WHERE ${p.key} IN (SELECT ${p.key} FROM due) RETURNING 1)
           SELECT count(*)::int AS n FROM done`,
          [w.cutoff, left],
        );
        if (n > 0) counts[p.table] = n;
        left -= n;
      }
      const anonymised = batchSize - left;
      if (anonymised > 0) {
        await deps.audit.record({ action: 'billing.ledger_anonymised', actor: { type: 'system', id: 'retention' }, details: { cutoff: w.cutoff.toISOString(), rows: counts } }, m);
      }
      return { deleted: 0, anonymised };
    },
  };
}
