import { DEFAULT_RETENTION_POLICIES, RETENTION_CATEGORIES, blockingHolds, isHoldActive, retentionCutoff, type LegalHoldLike } from './retention-schedule';

const now = new Date('2026-11-27T12:00:00.000Z');

function hold(over: Partial<LegalHoldLike>): LegalHoldLike {
  return { id: 'h', scopeType: 'user', scopeId: 'u1', reason: 'litigation', expiresAt: null, releasedAt: null, ...over };
}

describe('retention defaults', () => {
  it('has exactly one default policy per category', () => {
    expect(DEFAULT_RETENTION_POLICIES.map((p) => p.category).sort()).toEqual([...RETENTION_CATEGORIES].sort());
  });

  it('keeps the periods of the compliance schedule', () => {
    const days = Object.fromEntries(DEFAULT_RETENTION_POLICIES.map((p) => [p.category, p.keepDays]));
    expect(days).toMatchObject({ account_profile: 30, access_logs: 90, access_packages: 7, tickets: 730, privacy_request_records: 730, ledger_anonymisation: 2555 });
  });
});

describe('retentionCutoff', () => {
  it('is the instant keepDays before now', () => {
    expect(retentionCutoff(now, 90).toISOString()).toBe('2026-08-29T12:00:00.000Z');
    expect(retentionCutoff(now, 0).toISOString()).toBe(now.toISOString());
  });

  it('refuses negative or fractional periods', () => {
    expect(() => retentionCutoff(now, -1)).toThrow(RangeError);
    expect(() => retentionCutoff(now, 1.5)).toThrow(RangeError);
  });
});

describe('legal holds', () => {
  it('is active until released or expired', () => {
    expect(isHoldActive(hold({}), now)).toBe(true);
    expect(isHoldActive(hold({ releasedAt: new Date('2026-11-01') }), now)).toBe(false);
    expect(isHoldActive(hold({ expiresAt: now }), now)).toBe(false);
    expect(isHoldActive(hold({ expiresAt: new Date('2026-12-01') }), now)).toBe(true);
  });

  it('blocks every record of a held user, and only the held ticket or job otherwise', () => {
    const holds = [hold({ id: 'user' }), hold({ id: 'ticket', scopeType: 'ticket', scopeId: 't1' }), hold({ id: 'job', scopeType: 'job', scopeId: 'j1' })];
    expect(blockingHolds(holds, { userId: 'u1', jobId: 'j9' }, now).map((h) => h.id)).toEqual(['user']);
    expect(blockingHolds(holds, { userId: 'u2', ticketId: 't1' }, now).map((h) => h.id)).toEqual(['ticket']);
    expect(blockingHolds(holds, { userId: 'u2', jobId: 'j1' }, now).map((h) => h.id)).toEqual(['job']);
    expect(blockingHolds(holds, { userId: 'u2', jobId: 'j2' }, now)).toEqual([]);
    expect(blockingHolds(holds, {}, now)).toEqual([]);
  });

  it('ignores released and expired holds', () => {
    expect(blockingHolds([hold({ releasedAt: new Date('2026-11-02') })], { userId: 'u1' }, now)).toEqual([]);
  });
});
