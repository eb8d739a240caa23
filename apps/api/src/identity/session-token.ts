import { createHash, randomBytes } from 'node:crypto';

/** Staff tokens start with st_, end-user tokens with ut_, so each side's routes can refuse the other's. */
export const STAFF_TOKEN_PREFIX = 'st_';
export const USER_TOKEN_PREFIX = 'ut_';

export function newSessionToken(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

/** What is stored: the SHA-256 of the token (a stolen database holds no usable token). */
export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
