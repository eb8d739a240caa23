// How long a finished video (its file, thumbnail, reference image and job row) is kept, per the
// owner's plan (COMPLIANCE.md, docs/billing.md "retentionClass"). Pure.
//   free (or no plan):  `keepDays` (policy `videos`, default 30) after the job finished
//   standard:           while subscribed, then `keepDays` after the later of finish and plan end
//   extended:           while subscribed, then max(keepDays, 90) after the later of finish and plan end
// A subscription counts while Stripe still serves it (active, trialing, past_due).

export type VideoRetentionClass = 'free' | 'standard' | 'extended';

export const SUBSCRIBED_STATUSES = ['active', 'trialing', 'past_due'] as const;
export const EXTENDED_KEEP_DAYS = 90;
const DAY_MS = 86_400_000;

export interface VideoRetentionFacts {
  finishedAt: Date;
  /** The owner's latest subscription (null: never subscribed). */
  subscription: { retentionClass: VideoRetentionClass; status: string; endedAt: Date | null } | null;
}

export function isSubscribed(status: string): boolean {
  return (SUBSCRIBED_STATUSES as readonly string[]).includes(status);
}

/** Days kept after the anchor for a retention class, given the policy's `keepDays`. */
export function graceDays(retentionClass: VideoRetentionClass, keepDays: number): number {
  if (!Number.isInteger(keepDays) || keepDays < 0) throw new RangeError('keepDays must be a whole number of days, 0 or more.');
  return retentionClass === 'extended' ? Math.max(keepDays, EXTENDED_KEEP_DAYS) : keepDays;
}

/** When the video may be purged; null while a paid subscription keeps it. */
export function videoExpiresAt(facts: VideoRetentionFacts, keepDays: number): Date | null {
  const sub = facts.subscription;
  const paid = sub !== null && sub.retentionClass !== 'free';
  if (paid && isSubscribed(sub.status)) return null;
  if (!paid) return new Date(facts.finishedAt.getTime() + graceDays('free', keepDays) * DAY_MS);
  const ended = sub.endedAt && sub.endedAt > facts.finishedAt ? sub.endedAt : facts.finishedAt;
  return new Date(ended.getTime() + graceDays(sub.retentionClass, keepDays) * DAY_MS);
}

/**
 * Whether the "your videos expire soon" notice is due: expiry within `noticeDays` from now, or
 * already passed without a notice (a backlog, or the notice task was down).
 */
export function expiryNoticeDue(expiresAt: Date | null, now: Date, noticeDays: number): boolean {
  if (expiresAt === null) return false;
  return expiresAt.getTime() - now.getTime() <= noticeDays * DAY_MS;
}

/**
 * When a video may actually be purged: its expiry, but never sooner than `noticeDays` after its
 * owner was told (null: not told yet, so not yet). Videos without an owner go at expiry.
 */
export function purgeAllowedAt(expiresAt: Date | null, noticedAt: Date | null, noticeDays: number, hasOwner = true): Date | null {
  if (expiresAt === null) return null;
  if (!hasOwner) return expiresAt;
  if (noticedAt === null) return null;
  const afterNotice = noticedAt.getTime() + noticeDays * DAY_MS;
  return new Date(Math.max(expiresAt.getTime(), afterNotice));
}
