import { createHash, randomBytes } from 'node:crypto';
import { CodeContext, CodeState, codeMatches, generateCode, hashCode, judgeCode } from './verification-code';

const key = randomBytes(32);
const context: CodeContext = { id: '6f1c2f1e-4a7b-4c55-9d1e-2b1f8c3a9e10', purpose: 'login', email: 'alice@example.test', userId: null };
const fresh: CodeState = { attempts: 0, expired: false, used: false };

describe('generateCode', () => {
  it('always gives exactly six decimal digits, leading zeros included', () => {
    for (let i = 0; i < 2000; i += 1) expect(generateCode()).toMatch(/^\d{6}$/);
  });

  it('spreads codes over the whole range (every first digit appears, hardly any repeats)', () => {
    const codes = Array.from({ length: 5000 }, () => generateCode());
    expect(new Set(codes.map((c) => c[0])).size).toBe(10);
    // 5000 draws from 10^6 values: about 12 collisions are expected; far more would mean a weak source.
    expect(new Set(codes).size).toBeGreaterThan(4900);
  });
});

describe('hashCode', () => {
  it('is a keyed hash: deterministic for one key, different under another key, never the plain SHA-256', () => {
    const h = hashCode(key, context, '012345');
    expect(h).toHaveLength(32);
    expect(hashCode(key, context, '012345').equals(h)).toBe(true);
    expect(hashCode(randomBytes(32), context, '012345').equals(h)).toBe(false);
    expect(h.equals(createHash('sha256').update('012345').digest())).toBe(false);
  });

  it('binds the code to its row, purpose, address and user', () => {
    const h = hashCode(key, context, '012345');
    for (const other of [
      { ...context, id: '00000000-0000-4000-8000-000000000000' },
      { ...context, purpose: 'email_change' as const },
      { ...context, email: 'bob@example.test' },
      { ...context, userId: '6f1c2f1e-4a7b-4c55-9d1e-2b1f8c3a9e10' },
    ]) {
      expect(hashCode(key, other, '012345').equals(h)).toBe(false);
    }
  });

  it('matches only the code that was hashed', () => {
    const stored = hashCode(key, context, '482913');
    expect(codeMatches(key, context, '482913', stored)).toBe(true);
    expect(codeMatches(key, context, '482914', stored)).toBe(false);
    expect(codeMatches(key, context, '482913', Buffer.alloc(4))).toBe(false);
  });
});

describe('judgeCode', () => {
  it('accepts the right code while it is fresh', () => {
    expect(judgeCode(fresh, true)).toEqual({ verdict: 'accepted', countAttempt: false });
    expect(judgeCode({ ...fresh, attempts: 4 }, true)).toEqual({ verdict: 'accepted', countAttempt: false });
  });

  it('counts wrong codes and kills the code at the fifth wrong attempt', () => {
    expect(judgeCode(fresh, false)).toEqual({ verdict: 'invalid', countAttempt: true });
    expect(judgeCode({ ...fresh, attempts: 3 }, false)).toEqual({ verdict: 'invalid', countAttempt: true });
    expect(judgeCode({ ...fresh, attempts: 4 }, false)).toEqual({ verdict: 'attempts_exceeded', countAttempt: true });
    expect(judgeCode({ ...fresh, attempts: 5 }, true)).toEqual({ verdict: 'attempts_exceeded', countAttempt: false });
  });

  it('answers an expired code as expired, right or wrong', () => {
    expect(judgeCode({ ...fresh, expired: true }, true).verdict).toBe('expired');
    expect(judgeCode({ ...fresh, expired: true }, false).verdict).toBe('expired');
  });

  it('says "already used" only to someone who holds the used code', () => {
    expect(judgeCode({ ...fresh, used: true }, true)).toEqual({ verdict: 'already_used', countAttempt: false });
    expect(judgeCode({ ...fresh, used: true, expired: true }, true).verdict).toBe('already_used');
    expect(judgeCode({ ...fresh, used: true }, false)).toEqual({ verdict: 'invalid', countAttempt: true });
  });

  it('answers "invalid" when no code was ever issued, exactly as for a wrong code', () => {
    expect(judgeCode(undefined, false)).toEqual({ verdict: 'invalid', countAttempt: false });
  });
});
