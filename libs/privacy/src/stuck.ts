// The watchdog's limits: how long a request may stay in a status before it is reported as stuck.
import type { RequestStatus } from './request-types';

/** Hours a request may spend in each status; statuses not listed are final or expire on their own. */
export const STUCK_LIMIT_HOURS: Readonly<Partial<Record<RequestStatus, number>>> = {
  received: 1,
  verified: 48,
  in_review: 14 * 24,
  approved: 24,
  on_hold: 14 * 24,
  executing: 6,
  failed: 24,
  awaiting_erasure: 35 * 24,
};

export interface StuckCheck {
  status: RequestStatus;
  /** When the request entered its current status. */
  since: Date;
  dueAt: Date;
}

/** Why a request needs attention, or null: past its status limit, or past its deadline while open. */
export function stuckReason(req: StuckCheck, now: Date): string | null {
  const limit = STUCK_LIMIT_HOURS[req.status];
  if (limit === undefined) return null;
  if (now.getTime() > req.dueAt.getTime()) return 'overdue';
  const hours = (now.getTime() - req.since.getTime()) / 3_600_000;
  return hours > limit ? `in ${req.status} for more than ${limit} h` : null;
}
