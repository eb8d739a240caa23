// When a failed delivery is tried again: exponential backoff with jitter, bounded above.

export interface BackoffPolicy {
  /** Delay ceiling before the second attempt; each later failure doubles it. */
  baseMs: number;
  /** No delay is ever longer than this. */
  maxMs: number;
}

/**
 * The delay after `failedAttempts` failures (1 = the first attempt failed). "Equal jitter": a
 * uniform draw from the upper half of the capped exponential step, so retries of messages that
 * failed together (a relay outage) spread out, yet each still waits at least half its step.
 */
export function retryDelayMs(failedAttempts: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const n = Number.isFinite(failedAttempts) ? Math.max(1, Math.floor(failedAttempts)) : 1;
  const base = Math.max(1, policy.baseMs);
  const max = Math.max(base, policy.maxMs);
  // 2 ** 40 already overflows any sane ceiling; capping the exponent keeps the product finite.
  const step = Math.min(max, base * 2 ** Math.min(n - 1, 40));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.min(max, Math.max(1, Math.round(step / 2 + (r * step) / 2)));
}
