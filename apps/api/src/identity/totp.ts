// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) as authenticator apps compute them:
// HMAC-SHA-1, 30-second steps, 6 digits. Pure functions; the caller supplies the clock.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted either side of the current one, for clock drift between phone and server. */
export const TOTP_WINDOW = 1;
/** RFC 4226 §4 recommends 160-bit shared secrets. */
export const TOTP_SECRET_BYTES = 20;
export const TOTP_CODE_FORMAT = /^\d{6}$/;

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: the form otpauth:// URIs and authenticator apps use. */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Decodes base32 (case, spaces and padding ignored); undefined when it holds another character. */
export function base32Decode(text: string): Buffer | undefined {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const value = BASE32_ALPHABET.indexOf(ch);
    if (value < 0) return undefined;
    buffer = (buffer << 5) | value;
    bits += 5;
    if (bits >= 8) {
      out.push((buffer >>> (bits - 8)) & 255);
      bits -= 8;
    }
    buffer &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP: HMAC-SHA-1 of the 8-byte big-endian counter, dynamically truncated to `digits` digits. */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError('The HOTP counter must be a non-negative safe integer.');
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 time step holding `unixMs`. */
export function totpStep(unixMs: number, period = TOTP_PERIOD_SECONDS): number {
  return Math.floor(unixMs / 1000 / period);
}

/** The code an authenticator app shows at `unixMs`. */
export function totpCode(secret: Uint8Array, unixMs: number, digits = TOTP_DIGITS, period = TOTP_PERIOD_SECONDS): string {
  return hotp(secret, totpStep(unixMs, period), digits);
}

/**
 * The time step whose code equals `code`, looking `window` steps either side of now; null when none
 * does. Callers must refuse a step that was already accepted (replay), e.g. by remembering the last one.
 */
export function matchTotp(secret: Uint8Array, code: string, unixMs: number, window = TOTP_WINDOW): number | null {
  if (!TOTP_CODE_FORMAT.test(code)) return null;
  const now = totpStep(unixMs);
  const given = Buffer.from(code, 'utf8');
  let matched: number | null = null;
  // Every candidate is compared, in constant time, so timing does not tell which step matched.
  for (let delta = -window; delta <= window; delta += 1) {
    const step = now + delta;
    if (step < 0) continue;
    if (timingSafeEqual(Buffer.from(hotp(secret, step), 'utf8'), given) && matched === null) matched = step;
  }
  return matched;
}

/** The otpauth:// URI authenticator apps import (Key Uri Format), usually shown as a QR code. */
export function otpauthUri(secret: Uint8Array, issuer: string, accountName: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const query = [
    `secret=${base32Encode(secret)}`,
    `issuer=${encodeURIComponent(issuer)}`,
    'algorithm=SHA1',
    `digits=${TOTP_DIGITS}`,
    `period=${TOTP_PERIOD_SECONDS}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
