import { classifyFailure } from './errors';

describe('classifyFailure', () => {
  it.each([
    [{ httpStatus: 500 }, 'provider_unavailable', true],
    [{ httpStatus: 503 }, 'provider_unavailable', true],
    [{ httpStatus: 429 }, 'rate_limited', true],
    [{ transport: 'timeout' as const }, 'timeout', true],
    [{ transport: 'connection' as const }, 'provider_unavailable', true],
    [{ httpStatus: 400, code: 'invalid_size' }, 'invalid_request', false],
    [{ code: 'moderation_blocked' }, 'moderation_blocked', false],
    [{ httpStatus: 400, message: 'Your request was blocked by our moderation system' }, 'moderation_blocked', false],
    [{ expired: true }, 'asset_expired', false],
    [{ code: 'video_generation_failed' }, 'internal', false],
  ])('%j → %s', (facts, errorClass, retryable) => {
    const c = classifyFailure(facts);
    expect(c.errorClass).toBe(errorClass);
    expect(c.retryable).toBe(retryable);
    expect(c.message.length).toBeGreaterThan(0);
  });
});
