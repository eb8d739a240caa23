// Sweeps of identity's short-lived personal data: the access log (IP, user agent) and emailed codes.
import type { EntityManager } from 'typeorm';
import { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow, userHeldSql } from './retention-sweepers.registry';

async function count(m: EntityManager, sql: string, params: unknown[]): Promise<number> {
  const [row]: Array<{ n: number }> = await m.query(sql, params);
  return row?.n ?? 0;
}

/** Access-log rows older than the period, except those of users under a legal hold. */
export const accessLogSweeper: RetentionSweeper = {
  category: 'access_logs',
  async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
    const matched = await count(m, 'SELECT count(*)::int AS n FROM access_log WHERE created_at <= $1', [w.cutoff]);
    const examples: Array<{ record_id: string; hold_id: string; reason: string }> = await m.query(
      `SELECT a.id AS record_id, lh.id AS hold_id, lh.reason FROM access_log a
         JOIN legal_holds lh ON lh.scope_type = 'user' AND lh.scope_id = a.user_id AND lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
        WHERE a.created_at <= $1 ORDER BY a.created_at LIMIT 10`,
      [w.cutoff],
    );
    const held = await count(m, `SELECT count(*)::int AS n FROM access_log a WHERE a.created_at <= $1 AND ${userHeldSql('a.user_id')}`, [w.cutoff]);
    return { matched, held, heldExamples: examples.map((e) => ({ recordId: e.record_id, holdId: e.hold_id, reason: e.reason })) };
  },
  async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
    const deleted = await count(
      m,
      `WITH due AS (
         SELECT a.id FROM access_log a WHERE a.created_at <= $1 AND NOT ${userHeldSql('a.user_id')}
          ORDER BY a.created_at LIMIT $2 FOR UPDATE SKIP LOCKED
       ), gone AS (DELETE FROM access_log WHERE id IN (SELECT id FROM due) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [w.cutoff, batchSize],
    );
    return { deleted, anonymised: 0 };
  },
};

/** Emailed codes past their expiry by more than the period (codes are hashes, but tied to an address). */
export const verificationCodeSweeper: RetentionSweeper = {
  category: 'login_codes_and_tokens',
  async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
    const matched = await count(m, 'SELECT count(*)::int AS n FROM verification_codes WHERE expires_at <= $1', [w.cutoff]);
    return { matched, held: 0, heldExamples: [] };
  },
  async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
    const deleted = await count(
      m,
      `WITH due AS (SELECT id FROM verification_codes WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED),
            gone AS (DELETE FROM verification_codes WHERE id IN (SELECT id FROM due) RETURNING 1)
       SELECT count(*)::int AS n FROM gone`,
      [w.cutoff, batchSize],
    );
    return { deleted, anonymised: 0 };
  },
};
