// The signed-in staff member's session, kept in localStorage so a reload stays signed in.
import type { ConsoleRule } from './canAccess';

export const STAFF_ROLES = ['admin', 'support_agent', 'privacy_officer', 'auditor'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export interface StaffSummary {
  id: string;
  email: string;
  displayName: string;
  role: StaffRole;
}

/** What `POST /admin/auth/login` answers. */
export interface StaffSession {
  token: string;
  expiresAt: string;
  staff: StaffSummary;
  /** The caller's CASL rules as the API sent them at sign-in; canAccess reads them. */
  rules: ConsoleRule[];
}

const STORAGE_KEY = 'soar2.console.session';

function isStaffSession(value: unknown): value is StaffSession {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StaffSession>;
  const s = v.staff;
  return (
    typeof v.token === 'string' &&
    typeof v.expiresAt === 'string' &&
    typeof s === 'object' &&
    s !== null &&
    typeof s.id === 'string' &&
    typeof s.email === 'string' &&
    typeof s.displayName === 'string' &&
    (STAFF_ROLES as readonly string[]).includes(s.role) &&
    Array.isArray(v.rules) &&
    v.rules.every((r) => typeof r === 'object' && r !== null && 'action' in r && 'subject' in r)
  );
}

/** Parses a login answer (or a stored copy), or returns undefined when it is not one. */
export function parseSession(value: unknown): StaffSession | undefined {
  if (!isStaffSession(value)) return undefined;
  const { token, expiresAt, staff, rules } = value;
  const { id, email, displayName, role } = staff;
  return { token, expiresAt, staff: { id, email, displayName, role }, rules };
}

/** A session is usable while its token has not expired (the API has the last word on revocation). */
export function isSessionActive(session: StaffSession | undefined, now: Date = new Date()): session is StaffSession {
  if (!session) return false;
  const expires = Date.parse(session.expiresAt);
  return Number.isFinite(expires) && expires > now.getTime();
}

export function readSession(): StaffSession | undefined {
  const raw = localStorage.getItem(STORAGE_KEY);
  if (raw === null) return undefined;
  try {
    return parseSession(JSON.parse(raw));
  } catch {
    return undefined;
  }
}

export function writeSession(session: StaffSession): void {
  localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(STORAGE_KEY);
}
