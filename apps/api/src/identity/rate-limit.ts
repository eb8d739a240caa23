// Rules and keys of the sign-in rate limits (stored in PostgreSQL by RateLimitService, so every
// API replica counts the same hits). Pure.
import { isIP } from 'node:net';

export interface RateLimitRule {
  /** Stable bucket name stored with each hit, e.g. `login-code:email`. */
  name: string;
  limit: number;
  windowSeconds: number;
}

const HOUR = 3600;

/** Codes emailed to one address: enough for typos and slow mail, too few to flood an inbox. */
export const LOGIN_CODE_PER_EMAIL: RateLimitRule = { name: 'login-code:email', limit: 5, windowSeconds: HOUR };
/** Codes requested from one client network, whatever the address. */
export const LOGIN_CODE_PER_IP: RateLimitRule = { name: 'login-code:ip', limit: 20, windowSeconds: HOUR };
/** Code submissions (sign-in and email change) from one client network: caps guessing across many addresses. */
export const CODE_VERIFY_PER_IP: RateLimitRule = { name: 'code-verify:ip', limit: 60, windowSeconds: HOUR };
/** Email-change codes asked for by one account. */
export const EMAIL_CHANGE_PER_USER: RateLimitRule = { name: 'email-change:user', limit: 5, windowSeconds: HOUR };

/**
 * The key of a client for per-IP limits: an IPv4 address as is (IPv4-mapped IPv6 included), an
 * IPv6 address reduced to its /64, since one subscriber usually holds a whole /64 and could
 * otherwise step around the limit by changing the low bits.
 */
export function clientNetworkKey(ip: string | null | undefined): string {
  const raw = (ip ?? '').trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  if (mapped) return mapped[1] ?? raw;
  const family = isIP(raw);
  if (family === 4) return raw;
  if (family === 6) return `${expandIpv6(raw).slice(0, 4).join(':')}::/64`;
  return 'unknown';
}

/** The eight 16-bit groups of an IPv6 address, lower case without leading zeros. */
function expandIpv6(address: string): string[] {
  let text = address.toLowerCase().split('%')[0] ?? '';
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two hex groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const middle = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...middle, ...right].map((g) => parseInt(g, 16).toString(16));
}
