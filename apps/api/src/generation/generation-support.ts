// The support desk's view of generation jobs (registered with SupportExtensions from GenerationModule):
// which job ids a ticket may link, the ticket's "recent jobs" panel, and "refund job" from a ticket,
// which is the jobs console's refund action (same checks, same ledger entry, same audit).
import type { EntityManager } from 'typeorm';
import type { LinkedJobResolver, LinkedJobSummary } from '../support/support-extensions';
import type { GenerationAdminService } from './generation-admin.service';
import type { GenerationJob } from './generation-job';
import type { GenerationJobsRepository } from './generation-jobs.repository';
import { GenerationNotFoundException } from './generation.exception';

export function jobSummary(job: GenerationJob): LinkedJobSummary {
  return {
    id: job.id,
    status: job.status,
    createdAt: job.createdAt.toISOString(),
    completedAt: job.completedAt ? job.completedAt.toISOString() : null,
    model: job.model,
    seconds: job.seconds,
    credits: job.credits,
    creditsOutcome: job.creditsOutcome,
    error: job.errorCode || job.errorMessage ? { code: job.errorCode ?? job.errorClass ?? 'error', message: job.errorMessage ?? '' } : null,
  };
}

export function generationJobResolver(repo: GenerationJobsRepository, admin: GenerationAdminService): LinkedJobResolver {
  return {
    async ownedBy(userId: string, jobIds: readonly string[], manager: EntityManager): Promise<string[]> {
      if (jobIds.length === 0) return [];
      const rows: Array<{ id: string }> = await manager.query(`SELECT id FROM generation_jobs WHERE id = ANY($1::uuid[]) AND user_id = $2 AND deleted_at IS NULL`, [[...jobIds], userId]);
      const owned = new Set(rows.map((r) => r.id));
      return jobIds.filter((id) => owned.has(id));
    },
    async recent(userId: string, limit: number): Promise<LinkedJobSummary[]> {
      return (await repo.listOwned(userId, limit)).map(jobSummary);
    },
    async refund({ userId, jobId, ticketId, reason, actor }): Promise<{ refunded: number }> {
      const job = await repo.get(jobId);
      // Linked jobs are the user's own; one that is no longer theirs (erased account) answers as not found.
      if (!job || job.userId !== userId) throw new GenerationNotFoundException();
      await admin.act(jobId, 'refund', `${reason} (support ticket ${ticketId})`.slice(0, 1000), actor);
      return { refunded: job.credits };
    },
  };
}
