// Which scheduled fire time a cron callback belongs to, so that replicas firing a few ms apart agree on it.
import { CronTime } from 'cron';

/** How far back a late callback is still matched to the occurrence it was fired for. */
export const MAX_TICK_LATENESS_MS = 5 * 60_000;

/** Parses a 5-field (minute) or 6-field (second) cron expression; throws a sentence naming it when invalid. */
export function parseCron(expression: string, timeZone?: string): CronTime {
  const fields = expression.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) {
    throw new Error(`The cron expression "${expression}" must have 5 fields (minute precision) or 6 (second precision).`);
  }
  try {
    return new CronTime(expression, timeZone);
  } catch (err) {
    throw new Error(`The cron expression "${expression}" is invalid: ${err instanceof Error ? err.message : String(err)}.`);
  }
}

/** The first occurrence strictly after `after` (epoch ms), in the schedule's own time zone. */
function nextAfter(cron: CronTime, after: number): number {
  return cron.getNextDateFrom(new Date(after), cron.timeZone).toMillis();
}

/**
 * The latest occurrence of `cron` at or before `firedAt`. Cron fires on or just after an
 * occurrence (never before), so every replica maps its own slightly different fire time to the
 * same tick. Fire times later than MAX_TICK_LATENESS_MS after any occurrence fall back to the
 * whole second, which still identifies the fire but may no longer match other replicas.
 */
export function scheduledTick(cron: CronTime, firedAt: Date): Date {
  const t = firedAt.getTime();
  const second = Math.floor(t / 1000) * 1000;
  // The usual case: the callback ran within the second of its occurrence.
  if (nextAfter(cron, second - 1) === second) return new Date(second);
  // Look back in doubling windows, then walk forward to the last occurrence not after t.
  for (let window = 2000; window < 2 * MAX_TICK_LATENESS_MS; window *= 2) {
    const from = t - Math.min(window, MAX_TICK_LATENESS_MS);
    let next = nextAfter(cron, from);
    if (next > t) continue;
    let latest = next;
    while ((next = nextAfter(cron, next)) <= t) latest = next;
    return new Date(latest);
  }
  return new Date(second);
}
