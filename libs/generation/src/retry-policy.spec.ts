import { backoffDelay, retryAfterMs, shouldRetry } from './retry-policy';

describe('retry policy', () => {
  const policy = { baseMs: 1000, maxMs: 10_000, factor: 2, jitter: 0.2 };

  it('grows exponentially, is capped, and jitters within bounds', () => {
    expect(backoffDelay(policy, 0)).toBe(1000);
    expect(backoffDelay(policy, 2)).toBe(4000);
    expect(backoffDelay(policy, 10)).toBe(10_000);
    expect(backoffDelay(policy, 1, 0)).toBe(1600);
    expect(backoffDelay(policy, 1, 0.999)).toBeLessThanOrEqual(2400);
  });

  it('retries only retryable failures within the attempt budget', () => {
    expect(shouldRetry(true, 1, 3)).toBe(true);
    expect(shouldRetry(true, 3, 3)).toBe(false);
    expect(shouldRetry(false, 0, 3)).toBe(false);
  });

  it('reads Retry-After as seconds or a date, capped', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    expect(retryAfterMs('3', now, policy)).toBe(3000);
    expect(retryAfterMs('600', now, policy)).toBe(10_000);
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now, policy)).toBe(5000);
    expect(retryAfterMs(null, now, policy)).toBeUndefined();
  });
});
