import { isoDate, publishProblems, versionInForce } from './policy-version';

const now = new Date('2026-11-27T12:00:00Z');

describe('publishProblems', () => {
  const base = { status: 'draft' as const, title: 'Privacy Policy', body: '# Text' };
  it('needs an effective date now or later', () => {
    expect(publishProblems({ ...base, effectiveAt: null }, now)).toHaveProperty('effectiveAt');
    expect(publishProblems({ ...base, effectiveAt: new Date('2026-11-26T12:00:00Z') }, now).effectiveAt).toMatch(/past/);
    expect(publishProblems({ ...base, effectiveAt: new Date('2026-11-27T11:59:30Z') }, now)).toEqual({});
    expect(publishProblems({ ...base, effectiveAt: new Date('2026-12-01T00:00:00Z') }, now)).toEqual({});
  });
  it('needs a title and a body', () => {
    expect(Object.keys(publishProblems({ status: 'draft', title: ' ', body: '', effectiveAt: now }, now)).sort()).toEqual(['body', 'title']);
  });
});

describe('versionInForce', () => {
  it('takes the latest effective version not in the future', () => {
    const v = (id: string, eff: string, pub = eff) => ({ id, effectiveAt: new Date(eff), publishedAt: new Date(pub) });
    const versions = [v('a', '2026-01-01'), v('b', '2026-06-01'), v('c', '2027-01-01')];
    expect(versionInForce(versions, now)?.id).toBe('b');
    expect(versionInForce([v('c', '2027-01-01')], now)).toBeUndefined();
    expect(isoDate(now)).toBe('2026-11-27');
  });
});
