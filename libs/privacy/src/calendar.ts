// Calendar days in UTC, as `YYYY-MM-DD` strings. Legal deadlines are counted in whole days, so a
// day is a date without a time: daylight-saving changes cannot move a deadline.

/** A calendar day, `YYYY-MM-DD`. */
export type CalendarDay = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function parts(day: CalendarDay): [number, number, number] {
  const m = DAY_RE.exec(day);
  if (!m) throw new RangeError(`"${day}" is not a calendar day (YYYY-MM-DD).`);
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) throw new RangeError(`"${day}" is not a calendar day (YYYY-MM-DD).`);
  return [y, mo, d];
}

function format(y: number, m: number, d: number): CalendarDay {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function isCalendarDay(value: string): boolean {
  try {
    parts(value);
    return true;
  } catch {
    return false;
  }
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Days in month `m` (1–12) of year `y`. */
export function daysInMonth(y: number, m: number): number {
  return [31, isLeapYear(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1] ?? 0;
}

/** The UTC calendar day an instant falls on. */
export function dayOf(instant: Date): CalendarDay {
  return instant.toISOString().slice(0, 10);
}

/** The last millisecond of a day (UTC): the instant a deadline on that day expires. */
export function endOfDay(day: CalendarDay): Date {
  const [y, m, d] = parts(day);
  return new Date(Date.UTC(y, m - 1, d, 23, 59, 59, 999));
}

function toUtcMs(day: CalendarDay): number {
  const [y, m, d] = parts(day);
  return Date.UTC(y, m - 1, d);
}

export function addDays(day: CalendarDay, n: number): CalendarDay {
  return dayOf(new Date(toUtcMs(day) + n * MS_PER_DAY));
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: CalendarDay, b: CalendarDay): number {
  return Math.round((toUtcMs(b) - toUtcMs(a)) / MS_PER_DAY);
}

/**
 * The same date `n` months later; when that month is shorter, its last day (GDPR Art. 12(3) as read
 * with Regulation 1182/71 Art. 3(2)(c): 31 January + one month = 28 or 29 February).
 */
export function addCalendarMonths(day: CalendarDay, n: number): CalendarDay {
  const [y, m, d] = parts(day);
  const index = y * 12 + (m - 1) + n;
  const ty = Math.floor(index / 12);
  const tm = (index % 12) + 1;
  return format(ty, tm, Math.min(d, daysInMonth(ty, tm)));
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: CalendarDay): number {
  return new Date(toUtcMs(day)).getUTCDay();
}

/** Business days: Monday to Friday, minus the configured holidays. */
export class BusinessCalendar {
  private readonly holidays: ReadonlySet<CalendarDay>;

  constructor(holidays: Iterable<CalendarDay> = []) {
    const set = new Set<CalendarDay>();
    for (const h of holidays) {
      parts(h);
      set.add(h);
    }
    this.holidays = set;
  }

  isBusinessDay(day: CalendarDay): boolean {
    const wd = weekday(day);
    return wd !== 0 && wd !== 6 && !this.holidays.has(day);
  }

  /** The `n`th business day after `day` (the day itself never counts): Friday + 1 = Monday. */
  addBusinessDays(day: CalendarDay, n: number): CalendarDay {
    if (!Number.isInteger(n) || n < 0) throw new RangeError('The number of business days must be a whole number ≥ 0.');
    let current = day;
    let left = n;
    while (left > 0) {
      current = addDays(current, 1);
      if (this.isBusinessDay(current)) left -= 1;
    }
    return current;
  }
}
