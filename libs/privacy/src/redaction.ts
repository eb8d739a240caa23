// Redaction of personal data and secrets from free text (log lines, error messages).
// Pure functions; used by the logger so that emails, IPs, tokens and codes never reach a log.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
// Runs of hex digits and colons (with an optional dotted IPv4 tail); each is checked by isIpv6.
const IPV6_CANDIDATE = /(?<![0-9A-Za-z:])[0-9A-Fa-f]*:[0-9A-Fa-f:]*:[0-9A-Fa-f.]*(?![0-9A-Za-z:])/g;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;
const DOTTED_QUAD = /^(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/** True for a textual IPv6 address (RFC 4291 §2.2): eight groups, or fewer around one `::`. */
export function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const all = halves.flatMap(groups);
  let count = all.length;
  const last = all[all.length - 1];
  if (last !== undefined && last.includes('.')) {
    if (!DOTTED_QUAD.test(last)) return false;
    all.pop();
    count += 1; // an IPv4 tail takes two groups
  }
  if (!all.every((g) => HEX_GROUP.test(g))) return false;
  return halves.length === 2 ? count <= 7 : count === 8;
}
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
const SECRET_KEY = /\b(?:sk|rk|pk|whsec)_(?:test|live)?_?[A-Za-z0-9]{8,}\b/g;

export const REDACTED = '[redacted]';

/** Masks an email keeping the first character and the domain's top level: `a***@***.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return REDACTED;
  const tld = email.slice(email.lastIndexOf('.'));
  return `${email[0]}***@***${tld}`;
}

/** Replaces emails, IP addresses, bearer credentials and API secrets in free text. */
export function redactText(text: string): string {
  return text
    .replace(BEARER, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(SECRET_KEY, REDACTED)
    .replace(EMAIL, (m) => maskEmail(m))
    .replace(IPV6_CANDIDATE, (m) => (isIpv6(m) ? '[ip]' : m))
    .replace(IPV4, '[ip]');
}

/** Field names whose values are always removed from structured log data, wherever they appear. */
export const SENSITIVE_FIELD_NAMES: readonly string[] = [
  'email',
  'newEmail',
  'subjectEmail',
  'to',
  'password',
  'passwordHash',
  'totp',
  'code',
  'token',
  'accessToken',
  'refreshToken',
  'prompt',
  'ip',
  'ipAddress',
  'remoteAddress',
  'authorization',
  'cookie',
  'set-cookie',
  'stripe-signature',
  'webhook-signature',
  'x-forwarded-for',
  'x-real-ip',
];
