// How long to wait before the next attempt (provider calls) or the next status check (polling).

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  factor: number;
  /** 0 = none, 0.2 = ±20 %. */
  jitter: number;
}

export const DEFAULT_RETRY_POLICY: BackoffPolicy = { baseMs: 2_000, maxMs: 120_000, factor: 2, jitter: 0.2 };
export const DEFAULT_POLL_POLICY: BackoffPolicy = { baseMs: 2_000, maxMs: 30_000, factor: 1.5, jitter: 0.1 };

/** Delay before attempt `attempt + 1` (attempt 0 = the first retry); `random` in [0, 1). */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: number = 0.5): number {
  const raw = Math.min(policy.maxMs, policy.baseMs * Math.pow(policy.factor, Math.max(0, attempt)));
  const spread = raw * policy.jitter * (random * 2 - 1);
  return Math.max(0, Math.round(Math.min(policy.maxMs, raw + spread)));
}

/** Whether a retryable failure gets another attempt. */
export function shouldRetry(retryable: boolean, attemptsMade: number, maxAttempts: number): boolean {
  return retryable && attemptsMade < maxAttempts;
}

/** A provider's Retry-After (seconds or HTTP date) wins over our backoff when longer, capped at the policy maximum. */
export function retryAfterMs(header: string | null | undefined, now: Date, policy: BackoffPolicy): number | undefined {
  if (!header) return undefined;
  const secs = Number(header);
  const ms = Number.isFinite(secs) ? secs * 1000 : Date.parse(header) - now.getTime();
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(policy.maxMs, ms);
}
