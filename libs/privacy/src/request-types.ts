// The vocabulary of privacy requests (API.md, COMPLIANCE.md): what can be asked, by whom, under which law.

export const REQUEST_TYPES = ['access', 'portability', 'correction', 'deletion', 'restriction', 'opt_out', 'consent_withdrawal', 'objection'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUESTER_TYPES = ['self', 'authorized_agent', 'parent'] as const;
export type RequesterType = (typeof REQUESTER_TYPES)[number];

export const REGIMES = ['gdpr', 'ccpa', 'coppa', 'other'] as const;
export type Regime = (typeof REGIMES)[number];

export const DENIAL_REASONS = ['insufficient_verification', 'no_match', 'manifestly_unfounded', 'excessive', 'legal_obligation', 'other'] as const;
export type DenialReason = (typeof DENIAL_REASONS)[number];

export const REQUEST_STATUSES = [
  'received',
  'identity_pending',
  'verified',
  'in_review',
  'approved',
  'on_hold',
  'executing',
  'awaiting_erasure',
  'completed',
  'failed',
  'denied',
  'expired',
  'withdrawn',
  'linked',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses a request never leaves. */
export const FINAL_STATUSES: readonly RequestStatus[] = ['completed', 'denied', 'expired', 'withdrawn', 'linked'];

/** Statuses in which a request counts as open (duplicate detection, the queue's default view). */
export const OPEN_STATUSES: readonly RequestStatus[] = REQUEST_STATUSES.filter((s) => !FINAL_STATUSES.includes(s));

/** Types whose execution changes or removes data: a signed-in requester re-confirms them by an emailed code. */
export const RECONFIRMED_TYPES: readonly RequestType[] = ['deletion'];

/** Opt-outs of sale/sharing and consent withdrawals: CCPA's 15-business-day clock, marketing stops at once. */
export const OPT_OUT_TYPES: readonly RequestType[] = ['opt_out', 'consent_withdrawal', 'objection'];

export function isRequestType(value: unknown): value is RequestType {
  return typeof value === 'string' && (REQUEST_TYPES as readonly string[]).includes(value);
}
export function isRequesterType(value: unknown): value is RequesterType {
  return typeof value === 'string' && (REQUESTER_TYPES as readonly string[]).includes(value);
}
export function isRegime(value: unknown): value is Regime {
  return typeof value === 'string' && (REGIMES as readonly string[]).includes(value);
}
export function isDenialReason(value: unknown): value is DenialReason {
  return typeof value === 'string' && (DENIAL_REASONS as readonly string[]).includes(value);
}
