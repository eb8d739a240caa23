// What a module hands to NotificationsService.enqueue, and the checks it must pass first.
import { NOTIFICATION_CLASSES, NotificationClass } from './notification.entity';

export interface OutgoingMessage {
  /** Template name, e.g. `auth.login_code`, `privacy.request_received`: lower case, dots, dashes, underscores. */
  kind: string;
  /** `service_critical` is always sent; `marketing` only with consent on record (see MarketingConsentGate). */
  class: NotificationClass;
  /** One recipient address. */
  to: string;
  /** The user the message is about, when there is one (exports and erasure find it by this). */
  userId?: string | null;
  subject: string;
  text: string;
  html?: string | null;
  /** Extra headers such as List-Unsubscribe; the addressing and MIME headers are set by the transport. */
  headers?: Record<string, string>;
  /** Overrides OUTBOX_MAX_ATTEMPTS for this message. */
  maxAttempts?: number;
  /**
   * The body holds a secret (a sign-in code, a link that grants access): the console never shows it,
   * and the worker replaces it with "[removed after delivery]" once the message has been sent.
   */
  sensitive?: boolean;
}

/** A validated message: recipient normalised, optional parts filled in. */
export interface NormalizedMessage {
  kind: string;
  class: NotificationClass;
  to: string;
  userId: string | null;
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
  maxAttempts: number | undefined;
  sensitive: boolean;
}

export type MessageCheck = { ok: true; message: NormalizedMessage } | { ok: false; errors: Record<string, string> };

const KIND = /^[a-z][a-z0-9]*(?:[._-][a-z0-9]+)*$/;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/;
// Set by the transport from the row itself; letting callers set them would allow a second recipient or a forged sender.
const RESERVED_HEADERS = new Set([
  'from', 'to', 'cc', 'bcc', 'subject', 'date', 'message-id', 'sender', 'reply-to', 'return-path',
  'mime-version', 'content-type', 'content-transfer-encoding', 'content-disposition',
]);
const MAX_SUBJECT = 255;
const MAX_BODY = 512 * 1024;
const MAX_HEADERS = 20;

/**
 * A single plain address (no display name, no list) that an SMTP server will take: dot-atom local
 * part, an ASCII (or punycode) domain with a dot. Returns it with the domain in lower case, or
 * undefined when it is not one.
 */
export function normalizeRecipient(address: string): string | undefined {
  const a = address.trim();
  if (a.length < 3 || a.length > 254) return undefined;
  const at = a.lastIndexOf('@');
  if (at < 1 || at !== a.indexOf('@')) return undefined;
  const local = a.slice(0, at);
  const domain = a.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) return undefined;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1] ?? '')) return undefined;
  return `${local}@${domain}`;
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v.trim().length > 0;
}

/** Checks a message before it is written to the outbox; errors are keyed by field, like every 422 of the API. */
export function checkOutgoingMessage(m: OutgoingMessage): MessageCheck {
  const errors: Record<string, string> = {};
  if (typeof m.kind !== 'string' || m.kind.length > 64 || !KIND.test(m.kind)) {
    errors.kind = 'The kind must be a template name such as auth.login_code (lower case letters, digits, dots, dashes, underscores).';
  }
  if (!(NOTIFICATION_CLASSES as readonly string[]).includes(m.class)) errors.class = `The class must be one of ${NOTIFICATION_CLASSES.join(', ')}.`;
  const to = typeof m.to === 'string' ? normalizeRecipient(m.to) : undefined;
  if (to === undefined) errors.to = 'The recipient must be one email address.';
  const userId = m.userId ?? null;
  if (userId !== null && (typeof userId !== 'string' || !UUID.test(userId))) errors.userId = 'The user id must be a UUID.';
  if (!isText(m.subject) || m.subject.length > MAX_SUBJECT || /[\r\n]/.test(m.subject)) {
    errors.subject = `The subject must be one line of 1 to ${MAX_SUBJECT} characters.`;
  }
  if (!isText(m.text) || m.text.length > MAX_BODY) errors.text = `The text body must not be empty and at most ${MAX_BODY} characters long.`;
  const html = m.html ?? null;
  if (html !== null && (typeof html !== 'string' || html.length > MAX_BODY)) errors.html = `The HTML body must be at most ${MAX_BODY} characters long.`;
  const headers: Record<string, string> = {};
  const given = m.headers ?? {};
  if (given === null || typeof given !== 'object' || Array.isArray(given) || Object.keys(given).length > MAX_HEADERS) {
    errors.headers = `The headers must be an object of at most ${MAX_HEADERS} names and values.`;
  } else {
    for (const [name, value] of Object.entries(given)) {
      if (!HEADER_NAME.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
        errors.headers = `The header "${name.slice(0, 80)}" cannot be set by the caller.`;
      } else if (typeof value !== 'string' || value.length > 998 || /[\r\n]/.test(value)) {
        errors.headers = `The header "${name}" must have a one-line value of at most 998 characters.`;
      } else {
        headers[name] = value;
      }
    }
  }
  if (m.maxAttempts !== undefined && (!Number.isInteger(m.maxAttempts) || m.maxAttempts < 1 || m.maxAttempts > 50)) {
    errors.maxAttempts = 'The maximum number of attempts must be a whole number from 1 to 50.';
  }
  if (m.sensitive !== undefined && typeof m.sensitive !== 'boolean') errors.sensitive = 'The sensitive flag must be true or false.';
  if (Object.keys(errors).length > 0 || to === undefined) return { ok: false, errors };
  return {
    ok: true,
    message: { kind: m.kind, class: m.class, to, userId, subject: m.subject, text: m.text, html, headers, maxAttempts: m.maxAttempts, sensitive: m.sensitive === true },
  };
}
