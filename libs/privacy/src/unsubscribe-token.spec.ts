import { issueUnsubscribeToken, verifyUnsubscribeToken } from './unsubscribe-token';

const key = Buffer.from('k'.repeat(32));
const user = '4f0c2b8e-1d2a-4c3b-9e8f-0a1b2c3d4e5f';

describe('unsubscribe tokens', () => {
  it('verifies what it issued, with the claims', () => {
    const token = issueUnsubscribeToken(user, 'marketing_emails', key, new Date('2026-11-27T00:00:00Z'), 'tid1');
    expect(verifyUnsubscribeToken(token, key)).toEqual({ ok: true, claims: { tid: 'tid1', userId: user, purpose: 'marketing_emails', iat: 1795737600 } });
  });

  it('refuses another key, a changed payload, and malformed tokens', () => {
    const token = issueUnsubscribeToken(user, 'marketing_emails', key);
    expect(verifyUnsubscribeToken(token, Buffer.from('x'.repeat(32)))).toEqual({ ok: false, reason: 'bad_signature' });
    const [, sig] = token.split('.');
    const other = Buffer.from(JSON.stringify({ tid: 'a', userId: user, purpose: 'analytics', iat: 1 })).toString('base64url');
    expect(verifyUnsubscribeToken(`${other}.${sig}`, key)).toEqual({ ok: false, reason: 'bad_signature' });
    for (const bad of ['', 'abc', 'a.b.c', 'a b.c', `${'a'.repeat(600)}.b`]) expect(verifyUnsubscribeToken(bad, key).ok).toBe(false);
  });

  it('refuses a correctly signed payload that is not a claim set', () => {
    const payload = Buffer.from('{"tid":1}').toString('base64url');
    const forgedWithKey = issueUnsubscribeToken(user, 'marketing_emails', key).split('.')[1];
    expect(verifyUnsubscribeToken(`${payload}.${forgedWithKey}`, key).ok).toBe(false);
  });
});
