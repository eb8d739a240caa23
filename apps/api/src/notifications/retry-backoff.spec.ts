import { BackoffPolicy, retryDelayMs } from './retry-backoff';

const policy: BackoffPolicy = { baseMs: 1000, maxMs: 60_000 };

describe('retryDelayMs', () => {
  it('waits between half and all of the base delay after the first failure', () => {
    expect(retryDelayMs(1, policy, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, () => 0.5)).toBe(750);
    expect(retryDelayMs(1, policy, () => 1)).toBe(1000);
  });

  it('doubles the step with every further failure', () => {
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('never exceeds the maximum, however many failures', () => {
    expect(retryDelayMs(7, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(7, policy, () => 0)).toBe(30_000);
    expect(retryDelayMs(1000, policy, () => 1)).toBe(60_000);
    expect(retryDelayMs(Number.MAX_SAFE_INTEGER, policy, () => 0.3)).toBeLessThanOrEqual(60_000);
  });

  it('spreads retries of messages that failed together', () => {
    const draws = [0.01, 0.33, 0.66, 0.99];
    const delays = draws.map((d) => retryDelayMs(3, policy, () => d));
    expect(new Set(delays).size).toBe(draws.length);
    for (const d of delays) {
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('stays within bounds with the real random source', () => {
    for (let i = 0; i < 200; i += 1) {
      const d = retryDelayMs(2, policy);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
    }
  });

  it('treats nonsense attempt counts and random draws as the first failure and the nearest bound', () => {
    expect(retryDelayMs(0, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(-3, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(Number.NaN, policy, () => 1)).toBe(1000);
    expect(retryDelayMs(1, policy, () => 7)).toBe(1000);
    expect(retryDelayMs(1, policy, () => -1)).toBe(500);
  });

  it('returns at least one millisecond and lifts a maximum below the base up to the base', () => {
    expect(retryDelayMs(1, { baseMs: 1, maxMs: 1 }, () => 0)).toBe(1);
    expect(retryDelayMs(5, { baseMs: 100, maxMs: 50 }, () => 1)).toBe(100);
  });
});
