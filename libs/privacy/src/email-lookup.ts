// Keyed email lookups (decision 020): accounts are found by HMAC-SHA256 of the normalised address
// under a server key (EMAIL_LOOKUP_KEY), so the lookup index is useless to someone holding a copy of
// the database without the key (no dictionary of addresses can be hashed against it).
import { createHmac } from 'node:crypto';

export const EMAIL_LOOKUP_BYTES = 32;

/** The form an address is stored and compared in: trimmed, lower case (as sign-in does). */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** HMAC-SHA256 of the normalised address, domain-separated from other uses of the key. */
export function emailLookupHash(key: Buffer, email: string): Buffer {
  if (key.length < 32) throw new RangeError('The email lookup key must be at least 32 bytes.');
  return createHmac('sha256', key).update('soar2.email-lookup.v1\0').update(normaliseEmail(email), 'utf8').digest();
}
