import { legalHoldFacts } from './legal-hold-facts';
import type { LegalHoldLike } from './retention-schedule';

const hold = (over: Partial<LegalHoldLike & { createdAt: Date }>): LegalHoldLike & { createdAt: Date } => ({
  id: 'h1',
  scopeType: 'user',
  scopeId: 'u1',
  reason: 'Litigation: Doe v. Soar2',
  expiresAt: new Date('2027-01-01T00:00:00Z'),
  releasedAt: null,
  createdAt: new Date('2026-11-01T00:00:00Z'),
  ...over,
});

describe('legalHoldFacts', () => {
  it('gives readers of legal holds the reason and the expiry', () => {
    expect(legalHoldFacts([hold({})], true)).toEqual([
      { id: 'h1', scopeType: 'user', scopeId: 'u1', since: new Date('2026-11-01T00:00:00Z'), reason: 'Litigation: Doe v. Soar2', expiresAt: new Date('2027-01-01T00:00:00Z') },
    ]);
  });

  it('gives other readers only which hold, on what and since when', () => {
    const [fact] = legalHoldFacts([hold({})], false);
    expect(fact).toEqual({ id: 'h1', scopeType: 'user', scopeId: 'u1', since: new Date('2026-11-01T00:00:00Z') });
    expect(Object.keys(fact)).not.toContain('reason');
    expect(Object.keys(fact)).not.toContain('expiresAt');
  });

  it('lists the oldest hold first', () => {
    const facts = legalHoldFacts([hold({ id: 'new', createdAt: new Date('2026-11-20T00:00:00Z') }), hold({ id: 'old', scopeType: 'job', scopeId: 'j1' })], false);
    expect(facts.map((f) => f.id)).toEqual(['old', 'new']);
  });
});
