// The retention schedule (COMPLIANCE.md): one policy per data category with its default period and
// what happens at the end, and the legal-hold rule that blocks deletion in a hold's scope. Pure.

export const RETENTION_CATEGORIES = [
  'account_profile',
  'videos',
  'user_deleted_videos',
  'access_logs',
  'login_codes_and_tokens',
  'access_packages',
  'tickets',
  'privacy_request_records',
  'audit_log_archive',
  'ledger_anonymisation',
] as const;
export type RetentionCategory = (typeof RETENTION_CATEGORIES)[number];

export type RetentionAction = 'erase' | 'purge' | 'delete' | 'anonymise' | 'archive';

export interface RetentionPolicyDefaults {
  category: RetentionCategory;
  description: string;
  /** Days kept after the anchor event (null: kept while the anchor lasts, e.g. while subscribed). */
  keepDays: number;
  /** What starts the clock. */
  anchor: string;
  action: RetentionAction;
  legalBasis: string;
}

/** COMPLIANCE.md's defaults; privacy officers edit the stored copies. */
export const DEFAULT_RETENTION_POLICIES: readonly RetentionPolicyDefaults[] = [
  { category: 'account_profile', description: 'Account profile after a deletion request (grace period, cancellable)', keepDays: 30, anchor: 'deletion requested', action: 'erase', legalBasis: 'Privacy policy: account data removed within 30 days of a deletion request' },
  { category: 'videos', description: 'Generated videos and reference images of accounts without a plan that keeps them longer', keepDays: 30, anchor: 'video completed (per plan)', action: 'purge', legalBasis: 'Privacy policy: videos kept per plan storage limits' },
  { category: 'user_deleted_videos', description: 'Videos the user deleted', keepDays: 30, anchor: 'deleted by the user', action: 'purge', legalBasis: 'Privacy policy: deleted content erased from active systems within 30 days' },
  { category: 'access_logs', description: 'Device and access logs (IP address, user agent)', keepDays: 90, anchor: 'recorded', action: 'delete', legalBasis: 'Data minimisation (GDPR Art. 5(1)(e))' },
  { category: 'login_codes_and_tokens', description: 'Login codes, verification codes and download tokens', keepDays: 1, anchor: 'expired', action: 'delete', legalBasis: 'Data minimisation' },
  { category: 'access_packages', description: 'Access and portability packages', keepDays: 7, anchor: 'package ready', action: 'purge', legalBasis: 'Data minimisation' },
  { category: 'tickets', description: 'Support tickets and their messages', keepDays: 730, anchor: 'ticket closed', action: 'anonymise', legalBasis: 'Legitimate interest in handling follow-up claims (2 years)' },
  { category: 'privacy_request_records', description: 'Privacy-request records', keepDays: 730, anchor: 'request closed', action: 'anonymise', legalBasis: 'CCPA 11 CCR §7101: records kept at least 24 months' },
  { category: 'audit_log_archive', description: 'Audit log segments', keepDays: 2190, anchor: 'recorded', action: 'archive', legalBasis: 'Accountability (6 years); entries are never edited' },
  { category: 'ledger_anonymisation', description: 'Credit ledger and invoice references', keepDays: 2555, anchor: 'entry recorded', action: 'anonymise', legalBasis: 'Tax and accounting records (7 years)' },
];

const DAY_MS = 86_400_000;

/** Records whose anchor is at or before this instant are due. */
export function retentionCutoff(now: Date, keepDays: number): Date {
  if (!Number.isInteger(keepDays) || keepDays < 0) throw new RangeError('keepDays must be a whole number of days, 0 or more.');
  return new Date(now.getTime() - keepDays * DAY_MS);
}

export type LegalHoldScope = 'user' | 'ticket' | 'job';

export interface LegalHoldLike {
  id: string;
  scopeType: LegalHoldScope;
  scopeId: string;
  reason: string;
  expiresAt: Date | null;
  releasedAt: Date | null;
}

/** What a record belongs to, for matching holds: its user, and its ticket or job when it has one. */
export interface HoldTarget {
  userId?: string | null;
  ticketId?: string | null;
  jobId?: string | null;
}

export function isHoldActive(hold: LegalHoldLike, now: Date): boolean {
  return hold.releasedAt === null && (hold.expiresAt === null || hold.expiresAt.getTime() > now.getTime());
}

/** The active holds that block deleting this record (a user hold covers all of the user's records). */
export function blockingHolds<H extends LegalHoldLike>(holds: readonly H[], target: HoldTarget, now: Date): H[] {
  return holds.filter((h) => {
    if (!isHoldActive(h, now)) return false;
    if (h.scopeType === 'user') return !!target.userId && h.scopeId === target.userId;
    if (h.scopeType === 'ticket') return !!target.ticketId && h.scopeId === target.ticketId;
    return !!target.jobId && h.scopeId === target.jobId;
  });
}
