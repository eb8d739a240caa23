// Anonymising tickets (retention category `tickets`: 730 days after closing; and erasure): the text,
// attachments and requester go, the row stays with its category, agent, timestamps and SLA figures
// so that support reports still count it. A guest ticket's own data key (decision 019) is destroyed.
import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { DataKeysService } from '../data-keys/data-keys.service';
import type { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow } from '../retention/retention-sweepers.registry';
import type { StorageService } from '../storage/storage.service';

/** An active legal hold on the ticket (`t`) itself or on its user. */
const HOLD_MATCH = `lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
  AND ((lh.scope_type = 'ticket' AND lh.scope_id = t.id) OR (lh.scope_type = 'user' AND lh.scope_id = t.user_id))`;
const HELD = `EXISTS (SELECT 1 FROM legal_holds lh WHERE ${HOLD_MATCH})`;
const DUE = `t.status = 'closed' AND t.anonymised_at IS NULL AND t.closed_at <= $1`;

/**
 * Removes everything personal from the given tickets, in the caller's transaction: attachment files
 * and rows, subjects and message bodies (sealed and clear), the user link and requester email, linked
 * jobs and the guest verification rows; destroys the data keys owned by the tickets themselves
 * (guests without an account; a user's key is destroyed by erasure, not here). Stored files are
 * deleted last, once the rows are changed (a rollback after that leaves sealed rows pointing at
 * missing files, and the predicate still matches them). Returns how many tickets.
 */
export async function anonymiseTickets(ids: readonly string[], deps: { storage: StorageService; keys: DataKeysService }, m: EntityManager): Promise<number> {
  if (ids.length === 0) return 0;
  // TypeORM answers a DELETE … RETURNING with [rows, affected].
  const [files]: [Array<{ storageKey: string }>, number] = await m.query(
    `DELETE FROM support_ticket_attachments WHERE ticket_id = ANY($1::uuid[]) RETURNING storage_key AS "storageKey"`,
    [ids],
  );
  await m.query(`UPDATE support_ticket_messages SET body = NULL, body_sealed = NULL, author_user_id = NULL WHERE ticket_id = ANY($1::uuid[])`, [ids]);
  await m.query(`DELETE FROM support_guest_requests WHERE ticket_id = ANY($1::uuid[])`, [ids]);
  const own: Array<{ id: string }> = await m.query(`SELECT id FROM support_tickets WHERE id = ANY($1::uuid[]) AND data_key_owner = id`, [ids]);
  const [, count]: [unknown, number] = await m.query(
    `UPDATE support_tickets SET user_id = NULL, requester_email = NULL, subject = NULL, subject_sealed = NULL, linked_job_ids = '{}', text_sealed = true,
        anonymised_at = now(), updated_at = now()
      WHERE id = ANY($1::uuid[])`,
    [ids],
  );
  for (const { id } of own) await deps.keys.destroy(id, m);
  for (const f of files) await deps.storage.delete(f.storageKey);
  return count;
}

/** Retention category `tickets`: closed tickets past the period are anonymised, except those under a legal hold (ticket or user). */
export function ticketsRetentionSweeper(deps: { storage: StorageService; keys: DataKeysService; audit: AuditService }): RetentionSweeper {
  return {
    category: 'tickets',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      const [{ matched, held }]: Array<{ matched: number; held: number }> = await m.query(
        `SELECT count(*)::int AS matched, count(*) FILTER (WHERE ${HELD})::int AS held FROM support_tickets t WHERE ${DUE}`,
        [w.cutoff],
      );
      const examples: Array<{ id: string; hold_id: string; reason: string }> = await m.query(
        `SELECT t.id, lh.id AS hold_id, lh.reason FROM support_tickets t JOIN legal_holds lh ON ${HOLD_MATCH}
          WHERE ${DUE} ORDER BY t.closed_at, t.id, lh.created_at LIMIT 10`,
        [w.cutoff],
      );
      return { matched, held, heldExamples: examples.map((e) => ({ recordId: e.id, holdId: e.hold_id, reason: e.reason })) };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      const due: Array<{ id: string }> = await m.query(
        `SELECT t.id FROM support_tickets t WHERE ${DUE} AND NOT ${HELD} ORDER BY t.closed_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [w.cutoff, Math.min(batchSize, 500)],
      );
      if (due.length === 0) return { deleted: 0, anonymised: 0 };
      const ids = due.map((d) => d.id);
      const anonymised = await anonymiseTickets(ids, deps, m);
      await deps.audit.record({ action: 'ticket.anonymise', actor: { type: 'system', id: 'retention' }, details: { tickets: ids.length, ticketIds: ids.slice(0, 100) } }, m);
      return { deleted: 0, anonymised };
    },
  };
}
