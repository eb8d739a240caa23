// Retention of privacy-request records (COMPLIANCE.md: 24 months after close; "strip personal data,
// keep counts"; CCPA 11 CCR §7101). A request closed (final status) longer ago than the policy's
// period loses what identifies or describes the person: addresses, free text, proposed and applied
// changes, the agent's proof file, the parent's evidence beyond its method, codes and tokens, and the
// bodies of its timeline (the events trigger allows exactly that). What remains — type, regimes,
// requester type, status, outcome (denial reason code), every date, the timeline's kinds and
// transitions, the account ids — keeps the officer's lists, counts and deadlines reports working.
// Requests whose subject or requester account is under a legal hold are kept as they are.
import { FINAL_STATUSES } from '@soar2/privacy';
import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import type { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow } from '../retention/retention-sweepers.registry';
import type { StorageService } from '../storage/storage.service';

const HOLD = `lh.scope_type = 'user' AND lh.scope_id IN (r.user_id, r.requester_user_id) AND lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())`;
const HELD = `EXISTS (SELECT 1 FROM legal_holds lh WHERE ${HOLD})`;
/** Closed before the cutoff and not yet stripped (an erasure strips messages only, so any body left means not done). */
const DUE = `r.status = ANY($2::text[]) AND r.status_changed_at <= $1
  AND (r.personal_data_stripped_at IS NULL OR EXISTS (SELECT 1 FROM privacy_request_events e WHERE e.request_id = r.id AND e.body IS NOT NULL))`;
/** Requests per batch: each may delete a proof file. */
const MAX_REQUESTS_PER_BATCH = 1000;

export function privacyRequestRecordsSweeper(deps: { storage: StorageService; audit: AuditService }): RetentionSweeper {
  const finals = [...FINAL_STATUSES];
  return {
    category: 'privacy_request_records',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      const [{ matched, held }]: Array<{ matched: number; held: number }> = await m.query(
        `SELECT count(*)::int AS matched, count(*) FILTER (WHERE ${HELD})::int AS held FROM privacy_requests r WHERE ${DUE}`,
        [w.cutoff, finals],
      );
      const examples: Array<{ id: string; hold_id: string; reason: string }> = await m.query(
        `SELECT DISTINCT ON (r.status_changed_at, r.id) r.id, lh.id AS hold_id, lh.reason FROM privacy_requests r JOIN legal_holds lh ON ${HOLD}
          WHERE ${DUE} ORDER BY r.status_changed_at, r.id LIMIT 10`,
        [w.cutoff, finals],
      );
      return { matched, held, heldExamples: examples.map((e) => ({ recordId: e.id, holdId: e.hold_id, reason: e.reason })) };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      const due: Array<{ id: string; proof_storage_key: string | null }> = await m.query(
        `SELECT r.id, r.proof_storage_key FROM privacy_requests r WHERE ${DUE} AND NOT ${HELD}
          ORDER BY r.status_changed_at, r.id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [w.cutoff, finals, Math.min(batchSize, MAX_REQUESTS_PER_BATCH)],
      );
      if (due.length === 0) return { deleted: 0, anonymised: 0 };
      const ids = due.map((d) => d.id);
      await m.query(
        `UPDATE privacy_requests
            SET email = NULL, subject_email = NULL, details = NULL, proposed_changes = NULL, applied_changes = NULL,
                parent_evidence = CASE WHEN parent_evidence IS NULL THEN NULL ELSE jsonb_build_object('method', parent_evidence->'method') END,
                proof_storage_key = NULL, code_hash = NULL, access_token_hash = NULL, denial_text = NULL, extension_reason = NULL,
                personal_data_stripped_at = COALESCE(personal_data_stripped_at, now()), updated_at = now()
          WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      // Bodies are free text (messages, notes, reasons); the events trigger lets exactly this through.
      // A free-text reason may also sit in details (a lifted restriction's): removed with it.
      await m.query(
        `UPDATE privacy_request_events SET body = NULL, details = details - 'reason' WHERE request_id = ANY($1::uuid[]) AND (body IS NOT NULL OR details ? 'reason')`,
        [ids],
      );
      await deps.audit.record(
        { action: 'privacy_request.records_stripped', actor: { type: 'system', id: 'retention' }, details: { requests: ids.length, requestIds: ids.slice(0, 100) } },
        m,
      );
      for (const d of due) if (d.proof_storage_key) await deps.storage.delete(d.proof_storage_key);
      return { deleted: 0, anonymised: ids.length };
    },
  };
}
