// Redaction of other people's personal data inside the records a user receives in an access package
// (GDPR Art. 15(4): the copy must not adversely affect the rights of others). Tickets are the main
// case: a user may paste someone else's email or phone number, and staff members' names and internal
// notes are not the requester's data. Pure functions; the tickets exporter applies them.
import { isIpv6 } from './redaction';

export const THIRD_PARTY_EMAIL = '[email of another person]';
export const THIRD_PARTY_PHONE = '[phone number of another person]';
export const THIRD_PARTY_IP = '[network address]';
export const THIRD_PARTY_NAME = '[name of another person]';
export const STAFF_AUTHOR = 'Soar2 support';

/** What is the requester's own and may stay in their copy. */
export interface DataSubjectIdentifiers {
  emails: string[];
  phones?: string[];
  /** Names of other people known to appear (e.g. staff members who replied); replaced wherever they occur. */
  otherNames?: string[];
}

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// International or national numbers of 7+ digits, with spaces, dots, dashes or brackets between groups.
const PHONE = /(?<![\w.])\+?\(?\d[\d\s().-]{5,}\d(?![\w.])/g;
const IPV4 = /\b(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}\b/g;
const IPV6_CANDIDATE = /(?<![0-9A-Za-z:])[0-9A-Fa-f]*:[0-9A-Fa-f:]*:[0-9A-Fa-f.]*(?![0-9A-Za-z:])/g;
const DATE_LIKE = /^\d{4}[-.]\d{2}[-.]\d{2}$|^\d{2}[-.]\d{2}[-.]\d{4}$/;

function digits(text: string): string {
  return text.replace(/\D/g, '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Replaces other people's emails, phone numbers, network addresses and known names in free text,
 * keeping the subject's own email addresses and phone numbers.
 */
export function redactThirdParties(text: string, subject: DataSubjectIdentifiers): string {
  const ownEmails = new Set(subject.emails.map((e) => e.trim().toLowerCase()));
  const ownPhones = new Set((subject.phones ?? []).map(digits).filter((d) => d.length > 0));
  let out = text.replace(EMAIL, (m) => (ownEmails.has(m.toLowerCase()) ? m : THIRD_PARTY_EMAIL));
  // Addresses first: a dotted IPv4 address would otherwise read as a phone number.
  out = out.replace(IPV6_CANDIDATE, (m) => (isIpv6(m) ? THIRD_PARTY_IP : m)).replace(IPV4, THIRD_PARTY_IP);
  out = out.replace(PHONE, (m) => {
    const d = digits(m);
    if (d.length < 7 || d.length > 15 || DATE_LIKE.test(m.trim())) return m;
    return ownPhones.has(d) ? m : THIRD_PARTY_PHONE;
  });
  const names = (subject.otherNames ?? []).map((n) => n.trim()).filter((n) => n.length >= 2);
  // Longest first, so "Ann Lee" is replaced whole before "Ann".
  for (const name of names.sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(name)}(?![\\p{L}\\p{N}])`, 'giu'), THIRD_PARTY_NAME);
  }
  return out;
}

export type TicketAuthorType = 'user' | 'staff' | 'system';

export interface TicketMessageForExport {
  authorType: TicketAuthorType;
  /** The author's id or name; staff identities are not the requester's data. */
  authorName: string | null;
  body: string;
  /** Staff-only notes never reach the user (they are not shown in the product either). */
  internal?: boolean;
  createdAt: string;
}

export interface RedactedTicketMessage {
  author: string;
  body: string;
  createdAt: string;
}

/**
 * A ticket's messages as the requester receives them: internal notes left out, staff shown as
 * "Soar2 support", other people's data in every body redacted (staff names included).
 */
export function redactTicketMessages(messages: readonly TicketMessageForExport[], subject: DataSubjectIdentifiers): RedactedTicketMessage[] {
  const staffNames = messages.filter((m) => m.authorType === 'staff' && m.authorName).map((m) => m.authorName as string);
  const identifiers: DataSubjectIdentifiers = { ...subject, otherNames: [...(subject.otherNames ?? []), ...staffNames] };
  return messages
    .filter((m) => !m.internal)
    .map((m) => ({
      author: m.authorType === 'staff' ? STAFF_AUTHOR : m.authorType === 'system' ? 'Soar2' : 'You',
      body: redactThirdParties(m.body, identifiers),
      createdAt: m.createdAt,
    }));
}
