// The deadline engine (COMPLIANCE.md "Deadlines"): when a request must be acknowledged and answered
// under each regime that applies, the earliest of them, the effect of an extension and of stopping
// the clock. Pure: dates in, dates out, all UTC calendar days.
import { BusinessCalendar, CalendarDay, addCalendarMonths, addDays, dayOf, daysBetween, endOfDay } from './calendar';
import { OPT_OUT_TYPES, Regime, RequestType } from './request-types';

/** CCPA 11 CCR §7021(a): confirm receipt within 10 business days. */
export const CCPA_ACKNOWLEDGE_BUSINESS_DAYS = 10;
/** CCPA §7021(b): respond within 45 calendar days, extendable once by 45 (90 in total). */
export const CCPA_RESPOND_DAYS = 45;
export const CCPA_EXTENSION_DAYS = 45;
/** CCPA §7026(f): act on an opt-out of sale/sharing within 15 business days (no extension). */
export const CCPA_OPT_OUT_BUSINESS_DAYS = 15;
/** GDPR Art. 12(3): one month, extendable by two further months. */
export const GDPR_RESPOND_MONTHS = 1;
export const GDPR_EXTENSION_MONTHS = 2;
/** COPPA §312.6 says "promptly"; Soar2 policy reads that as 10 calendar days, without extension. */
export const COPPA_PROMPT_DAYS = 10;
/** Soar2 policy: account data removed within 30 days of a deletion request, whatever the regime. */
export const POLICY_DELETION_DAYS = 30;
/** Regime `other` (no specific law): Soar2 answers within 30 days, extendable once by 30. */
export const OTHER_RESPOND_DAYS = 30;
export const OTHER_EXTENSION_DAYS = 30;

export type DeadlineSource = Regime | 'policy';

/** The clock stopped (waiting for the requester) from `from` until `to` (null: still stopped). */
export interface ClockStop {
  from: CalendarDay;
  to: CalendarDay | null;
  reason: string;
}

export interface DeadlineInput {
  receivedAt: Date;
  regimes: readonly Regime[];
  type: RequestType;
  extended: boolean;
  clockStops?: readonly ClockStop[];
  /** Today, to count a stop that is still running. */
  today: CalendarDay;
  calendar?: BusinessCalendar;
}

export interface SourceDeadline {
  source: DeadlineSource;
  /** Legal basis, for the requester's and the officer's view. */
  basis: string;
  respondBy: CalendarDay;
  /** The deadline once extended; null when this source allows no extension. */
  extendedRespondBy: CalendarDay | null;
  acknowledgeBy: CalendarDay | null;
}

export interface Deadlines {
  receivedOn: CalendarDay;
  sources: SourceDeadline[];
  /** The day the answer is due: the earliest effective deadline (extended where extended). */
  dueOn: CalendarDay;
  /** End of dueOn, UTC. */
  dueAt: Date;
  /** Which source sets dueOn. */
  governedBy: DeadlineSource;
  /** Earliest acknowledgement deadline, when a regime has one. */
  acknowledgeBy: CalendarDay | null;
  /** Whether any applicable source allows an extension. */
  extensible: boolean;
  /** Notice of an extension must reach the requester by this day (the first, unextended deadline). */
  extensionNoticeBy: CalendarDay;
  /** Whole days the clock has been stopped, added to every answer deadline. */
  pausedDays: number;
}

function sourceDeadline(regime: Regime, type: RequestType, received: CalendarDay, cal: BusinessCalendar): SourceDeadline {
  switch (regime) {
    case 'gdpr':
      return {
        source: 'gdpr',
        basis: 'GDPR Art. 12(3): one month, extendable by two months',
        respondBy: addCalendarMonths(received, GDPR_RESPOND_MONTHS),
        extendedRespondBy: addCalendarMonths(received, GDPR_RESPOND_MONTHS + GDPR_EXTENSION_MONTHS),
        acknowledgeBy: null,
      };
    case 'ccpa':
      if (OPT_OUT_TYPES.includes(type))
        return {
          source: 'ccpa',
          basis: 'CCPA 11 CCR §7026(f): opt-out acted on within 15 business days',
          respondBy: cal.addBusinessDays(received, CCPA_OPT_OUT_BUSINESS_DAYS),
          extendedRespondBy: null,
          acknowledgeBy: null,
        };
      return {
        source: 'ccpa',
        basis: 'CCPA 11 CCR §7021: acknowledge within 10 business days, respond within 45 days, extendable by 45',
        respondBy: addDays(received, CCPA_RESPOND_DAYS),
        extendedRespondBy: addDays(received, CCPA_RESPOND_DAYS + CCPA_EXTENSION_DAYS),
        acknowledgeBy: cal.addBusinessDays(received, CCPA_ACKNOWLEDGE_BUSINESS_DAYS),
      };
    case 'coppa':
      return { source: 'coppa', basis: 'COPPA 16 CFR §312.6: act promptly (policy: 10 days)', respondBy: addDays(received, COPPA_PROMPT_DAYS), extendedRespondBy: null, acknowledgeBy: null };
    case 'other':
      return {
        source: 'other',
        basis: 'Soar2 policy: 30 days, extendable by 30',
        respondBy: addDays(received, OTHER_RESPOND_DAYS),
        extendedRespondBy: addDays(received, OTHER_RESPOND_DAYS + OTHER_EXTENSION_DAYS),
        acknowledgeBy: null,
      };
  }
}

/** Whole days the clock has been stopped; overlapping stops count once. */
export function pausedDays(stops: readonly ClockStop[], today: CalendarDay): number {
  const days = new Set<CalendarDay>();
  for (const stop of stops) {
    const end = stop.to ?? today;
    for (let d = stop.from; daysBetween(d, end) > 0; d = addDays(d, 1)) days.add(d);
  }
  return days.size;
}

function earliest(days: CalendarDay[]): CalendarDay {
  return days.reduce((a, b) => (b < a ? b : a));
}

/** Every deadline of a request; the earliest one rules when several regimes apply. */
export function computeDeadlines(input: DeadlineInput): Deadlines {
  if (input.regimes.length === 0) throw new RangeError('A request has at least one regime.');
  const cal = input.calendar ?? new BusinessCalendar();
  const received = dayOf(input.receivedAt);
  const paused = pausedDays(input.clockStops ?? [], input.today);
  const sources = input.regimes.map((r) => sourceDeadline(r, input.type, received, cal));
  if (input.type === 'deletion')
    sources.push({ source: 'policy', basis: 'Soar2 policy: account data removed within 30 days', respondBy: addDays(received, POLICY_DELETION_DAYS), extendedRespondBy: null, acknowledgeBy: null });
  const shifted = sources.map((s) => ({
    ...s,
    respondBy: addDays(s.respondBy, paused),
    extendedRespondBy: s.extendedRespondBy && addDays(s.extendedRespondBy, paused),
  }));
  const effective = shifted.map((s) => ({ source: s.source, day: input.extended && s.extendedRespondBy ? s.extendedRespondBy : s.respondBy }));
  const dueOn = earliest(effective.map((e) => e.day));
  const governedBy = effective.find((e) => e.day === dueOn)?.source ?? shifted[0]!.source;
  const acks = shifted.map((s) => s.acknowledgeBy).filter((d): d is CalendarDay => d !== null);
  return {
    receivedOn: received,
    sources: shifted,
    dueOn,
    dueAt: endOfDay(dueOn),
    governedBy,
    acknowledgeBy: acks.length ? earliest(acks) : null,
    extensible: shifted.some((s) => s.extendedRespondBy !== null),
    extensionNoticeBy: earliest(shifted.map((s) => s.respondBy)),
    pausedDays: paused,
  };
}

/** Whole days from `today` to the due day: 0 on the day itself, negative once overdue. */
export function daysLeft(dueOn: CalendarDay, today: CalendarDay): number {
  return daysBetween(today, dueOn);
}

/** Days before the first deadline within which an unextended request is flagged "extension deadline approaching". */
export const EXTENSION_WARNING_DAYS = 7;
