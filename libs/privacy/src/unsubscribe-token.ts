// Signed one-click unsubscribe tokens (RFC 8058 links): `<payload>.<signature>`, both base64url;
// the payload names the user, the purpose and a random token id; the signature is HMAC-SHA256 with
// the server's unsubscribe secret. No I/O: whether a token was already used is the caller's concern.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface UnsubscribeClaims {
  /** Token id: replays are recognised by it. */
  tid: string;
  userId: string;
  purpose: string;
  /** Issue time, seconds since the epoch. */
  iat: number;
}

export type UnsubscribeTokenCheck = { ok: true; claims: UnsubscribeClaims } | { ok: false; reason: 'malformed' | 'bad_signature' };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 512;

function sign(payload: string, key: Buffer): string {
  return createHmac('sha256', key).update(`unsubscribe.v1.${payload}`).digest('base64url');
}

export function issueUnsubscribeToken(userId: string, purpose: string, key: Buffer, now: Date = new Date(), tid: string = randomBytes(12).toString('base64url')): string {
  const claims: UnsubscribeClaims = { tid, userId, purpose, iat: Math.floor(now.getTime() / 1000) };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${sign(payload, key)}`;
}

/** Checks shape and signature (constant-time); never throws. */
export function verifyUnsubscribeToken(token: string, key: Buffer): UnsubscribeTokenCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 2) return { ok: false, reason: 'malformed' };
  const [payload = '', signature = ''] = parts;
  if (!B64URL.test(payload) || !B64URL.test(signature)) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(payload, key), 'base64url');
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad_signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const c = parsed as Partial<UnsubscribeClaims> | null;
  if (
    !c ||
    typeof c !== 'object' ||
    typeof c.tid !== 'string' ||
    !B64URL.test(c.tid) ||
    c.tid.length > 64 ||
    typeof c.userId !== 'string' ||
    !UUID.test(c.userId) ||
    typeof c.purpose !== 'string' ||
    !/^[a-z][a-z0-9_]{0,63}$/.test(c.purpose) ||
    typeof c.iat !== 'number' ||
    !Number.isInteger(c.iat)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  return { ok: true, claims: { tid: c.tid, userId: c.userId, purpose: c.purpose, iat: c.iat } };
}
