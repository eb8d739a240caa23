// The privacy-request state machine (COMPLIANCE.md): ONE table of allowed transitions, each with
// its guard. Anything not in the table is an IllegalTransitionError naming the status and event.
import type { CalendarDay } from './calendar';
import { DenialReason, RequestStatus, RequestType, isDenialReason } from './request-types';

export const REQUEST_EVENTS = [
  'await_identity',
  'verify',
  'expire',
  'withdraw',
  'review',
  'approve',
  'deny',
  'hold',
  'resume',
  'execute',
  'hand_over_erasure',
  'complete',
  'fail',
  'retry',
  'extend',
  'link_duplicate',
] as const;
export type RequestEvent = (typeof REQUEST_EVENTS)[number];

/** What guards may look at. Only the fields an event needs must be given. */
export interface TransitionContext {
  type: RequestType;
  /** Whether the request has already been extended once. */
  extended?: boolean;
  /** Today and the first (unextended) deadline: an extension is only possible before it. */
  today?: CalendarDay;
  extensionNoticeBy?: CalendarDay;
  /** Whether any regime of the request allows an extension. */
  extensible?: boolean;
  denialReason?: DenialReason | string | null;
  /** A reason (hold, extend) given by the officer. */
  reason?: string | null;
  /** The status a held request returns to. */
  heldFrom?: RequestStatus | null;
}

type Guard = (ctx: TransitionContext) => string | null;

interface TransitionRule {
  from: readonly RequestStatus[];
  /** The next status; `same` keeps it (extend), `held_from` returns to where a hold started. */
  to: RequestStatus | 'same' | 'held_from';
  guard?: Guard;
}

const needsReason: Guard = (ctx) => (ctx.reason && ctx.reason.trim() ? null : 'A reason is required.');

/** The one table. Withdrawal is allowed any time before execution starts. */
export const TRANSITIONS: Readonly<Record<RequestEvent, TransitionRule>> = {
  await_identity: { from: ['received'], to: 'identity_pending' },
  verify: { from: ['received', 'identity_pending'], to: 'verified' },
  expire: { from: ['identity_pending'], to: 'expired' },
  // A verified submission that repeats an open request of the same subject and type is linked to it.
  link_duplicate: { from: ['received', 'identity_pending'], to: 'linked' },
  // awaiting_erasure: the deletion's grace period, cancellable by the requester until the erasure starts.
  withdraw: { from: ['received', 'identity_pending', 'verified', 'in_review', 'approved', 'on_hold', 'awaiting_erasure'], to: 'withdrawn' },
  review: { from: ['verified'], to: 'in_review' },
  approve: { from: ['in_review'], to: 'approved' },
  deny: {
    from: ['verified', 'in_review'],
    to: 'denied',
    guard: (ctx) => (isDenialReason(ctx.denialReason) ? null : 'A denial needs a reason code (insufficient_verification, no_match, manifestly_unfounded, excessive, legal_obligation or other).'),
  },
  hold: { from: ['verified', 'in_review', 'approved'], to: 'on_hold', guard: needsReason },
  resume: {
    from: ['on_hold'],
    to: 'held_from',
    guard: (ctx) => (ctx.heldFrom && ['verified', 'in_review', 'approved'].includes(ctx.heldFrom) ? null : 'The request does not know which status it was held from.'),
  },
  execute: { from: ['approved'], to: 'executing' },
  hand_over_erasure: {
    from: ['executing'],
    to: 'awaiting_erasure',
    guard: (ctx) => (ctx.type === 'deletion' ? null : 'Only a deletion request is handed over to the erasure engine.'),
  },
  complete: { from: ['executing', 'awaiting_erasure'], to: 'completed' },
  fail: { from: ['executing', 'awaiting_erasure'], to: 'failed' },
  retry: { from: ['failed'], to: 'executing' },
  extend: {
    from: ['verified', 'in_review', 'approved', 'on_hold'],
    to: 'same',
    guard: (ctx) => {
      if (ctx.extended) return 'The request has already been extended; an extension is allowed once.';
      if (ctx.extensible === false) return 'No regime of this request allows an extension.';
      if (!ctx.today || !ctx.extensionNoticeBy) return 'The first deadline is not known.';
      if (ctx.today > ctx.extensionNoticeBy) return `The extension had to be noticed by ${ctx.extensionNoticeBy}, before the first deadline.`;
      return needsReason(ctx);
    },
  },
};

/** A transition the table does not allow (wrong status) or whose guard refused it. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly from: RequestStatus,
    readonly event: RequestEvent,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'IllegalTransitionError';
  }
}

/** The status `event` leads to from `from`, or an IllegalTransitionError. */
export function nextStatus(from: RequestStatus, event: RequestEvent, ctx: TransitionContext): RequestStatus {
  const rule = TRANSITIONS[event];
  if (!rule.from.includes(from)) throw new IllegalTransitionError(from, event, `A request that is ${from.replace('_', ' ')} cannot ${event.replace(/_/g, ' ')}; allowed from ${rule.from.join(', ')}.`);
  const refusal = rule.guard?.(ctx) ?? null;
  if (refusal) throw new IllegalTransitionError(from, event, refusal);
  if (rule.to === 'same') return from;
  if (rule.to === 'held_from') return ctx.heldFrom as RequestStatus;
  return rule.to;
}

/** Events allowed from a status (guards not evaluated): what the console may offer. */
export function eventsFrom(status: RequestStatus): RequestEvent[] {
  return REQUEST_EVENTS.filter((e) => TRANSITIONS[e].from.includes(status));
}
