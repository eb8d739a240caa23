// Retention of videos the user deleted (COMPLIANCE.md: purge 30 days after deletion by default):
// the sweep removes our files and the job row, in batches, and never a job under a legal hold on
// the job or on its user. The provider was asked to delete its copy at deletion time; a copy it
// still reports is asked again here.
import type { EntityManager } from 'typeorm';
import type { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow } from '../retention/retention-sweepers.registry';
import type { GenerationJobsRepository } from './generation-jobs.repository';
import type { GenerationService } from './generation.service';
import type { GenerationWorker } from './generation-worker.service';

const HELD = `EXISTS (SELECT 1 FROM legal_holds lh WHERE lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
  AND ((lh.scope_type = 'job' AND lh.scope_id = j.id) OR (lh.scope_type = 'user' AND lh.scope_id = j.user_id)))`;

export function userDeletedVideosSweeper(deps: { repo: GenerationJobsRepository; worker: GenerationWorker; generation: GenerationService }): RetentionSweeper {
  return {
    category: 'user_deleted_videos',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      const [{ matched, held }]: Array<{ matched: number; held: number }> = await m.query(
        `SELECT count(*)::int AS matched, count(*) FILTER (WHERE ${HELD})::int AS held FROM generation_jobs j WHERE j.deleted_at IS NOT NULL AND j.deleted_at <= $1`,
        [w.cutoff],
      );
      const examples: Array<{ id: string; hold_id: string; reason: string }> = await m.query(
        `SELECT j.id, lh.id AS hold_id, lh.reason FROM generation_jobs j JOIN legal_holds lh ON lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
           AND ((lh.scope_type = 'job' AND lh.scope_id = j.id) OR (lh.scope_type = 'user' AND lh.scope_id = j.user_id))
          WHERE j.deleted_at IS NOT NULL AND j.deleted_at <= $1 ORDER BY j.deleted_at LIMIT 10`,
        [w.cutoff],
      );
      return { matched, held, heldExamples: examples.map((e) => ({ recordId: e.id, holdId: e.hold_id, reason: e.reason })) };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      const due: Array<{ id: string }> = await m.query(
        `SELECT j.id FROM generation_jobs j WHERE j.deleted_at IS NOT NULL AND j.deleted_at <= $1 AND NOT ${HELD} ORDER BY j.deleted_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [w.cutoff, Math.min(batchSize, 500)],
      );
      for (const { id } of due) {
        const job = await deps.repo.get(id);
        if (job && job.providerVideoIds.length > 0 && !job.providerDeletedAt) await deps.generation.deleteAtProvider(job);
        await deps.worker.removeFiles(id, false);
      }
      if (due.length === 0) return { deleted: 0, anonymised: 0 };
      const [, deleted]: [unknown, number] = await m.query(`DELETE FROM generation_jobs WHERE id = ANY($1::uuid[])`, [due.map((d) => d.id)]);
      return { deleted, anonymised: 0 };
    },
  };
}
