// Our job statuses (the public API's), how the provider's statuses map onto them, and which
// transitions a job may make.

export const JOB_STATUSES = ['queued', 'in_progress', 'completed', 'failed', 'canceled'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** Where a running job is in our pipeline (support sees it; the public API does not). */
export const JOB_STAGES = ['pending_submit', 'submitting', 'generating', 'extending', 'downloading', 'done'] as const;
export type JobStage = (typeof JOB_STAGES)[number];

export function isTerminal(status: JobStatus): boolean {
  return status === 'completed' || status === 'failed' || status === 'canceled';
}

/** What a provider status means for the job. `unknown` statuses are treated as still running, but bounded by the job deadline. */
export type ProviderOutcome =
  | { kind: 'running'; providerStatus: string }
  | { kind: 'completed' }
  | { kind: 'failed' }
  | { kind: 'expired' }
  | { kind: 'unknown'; providerStatus: string };

/**
 * Maps a provider status. The protocol lists queued, in_progress, completed and failed; real
 * providers also answer `expired` (the job or its asset is gone), `cancelled`/`canceled`, which must
 * end the job rather than poll forever.
 */
export function mapProviderStatus(status: string): ProviderOutcome {
  switch (status) {
    case 'queued':
    case 'in_progress':
    case 'processing':
    case 'pending':
      return { kind: 'running', providerStatus: status };
    case 'completed':
    case 'succeeded':
      return { kind: 'completed' };
    case 'failed':
    case 'cancelled':
    case 'canceled':
      return { kind: 'failed' };
    case 'expired':
      return { kind: 'expired' };
    default:
      return { kind: 'unknown', providerStatus: status };
  }
}

/** Progress shown to the user for a multi-call job: completed calls count in full, the current one by its own progress. */
export function overallProgress(plan: readonly number[], segmentIndex: number, segmentProgress: number): number {
  const total = plan.reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const done = plan.slice(0, segmentIndex).reduce((a, b) => a + b, 0);
  const current = (plan[segmentIndex] ?? 0) * Math.max(0, Math.min(100, segmentProgress)) / 100;
  // 100 only once the asset is stored.
  return Math.min(99, Math.floor(((done + current) / total) * 100));
}
