// Redaction of personal data and secrets from free text (log lines, error messages).
// Pure functions; used by the logger so that emails, IPs, tokens and codes never reach a log.

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
// Full and compressed IPv6 forms, at least three groups, so that times like 12:30:05 are left alone.
const IPV6 = /\b(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})(?::[0-9A-Fa-f]{1,4})*\b|::(?:ffff:)?[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4})*/g;
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
    .replace(IPV4, '[ip]')
    .replace(IPV6, (m) => (m.split(':').length >= 3 ? '[ip]' : m));
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
