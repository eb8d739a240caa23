import { MAX_TICK_LATENESS_MS, parseCron, scheduledTick } from './scheduled-tick';

const at = (iso: string): Date => new Date(iso);

describe('scheduledTick', () => {
  it('maps fire times a few ms apart on two replicas to the same second', () => {
    const everySecond = parseCron('* * * * * *', 'UTC');
    const a = scheduledTick(everySecond, at('2026-03-01T12:00:07.002Z'));
    const b = scheduledTick(everySecond, at('2026-03-01T12:00:07.046Z'));
    expect(a.toISOString()).toBe('2026-03-01T12:00:07.000Z');
    expect(b).toEqual(a);
  });

  it('returns the occurrence itself when fired exactly on it', () => {
    expect(scheduledTick(parseCron('*/10 * * * * *', 'UTC'), at('2026-03-01T12:00:20.000Z')).toISOString()).toBe('2026-03-01T12:00:20.000Z');
  });

  it('maps a late fire of a sparse second schedule back to its occurrence, not to the current second', () => {
    const everyFive = parseCron('*/5 * * * * *', 'UTC');
    expect(scheduledTick(everyFive, at('2026-03-01T12:00:06.200Z')).toISOString()).toBe('2026-03-01T12:00:05.000Z');
    expect(scheduledTick(everyFive, at('2026-03-01T12:00:09.999Z')).toISOString()).toBe('2026-03-01T12:00:05.000Z');
  });

  it('rounds a minute schedule to its minute even when the callback runs tens of seconds late', () => {
    const hourly = parseCron('0 * * * *', 'UTC');
    expect(scheduledTick(hourly, at('2026-03-01T10:00:00.013Z')).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(scheduledTick(hourly, at('2026-03-01T10:00:41.500Z')).toISOString()).toBe('2026-03-01T10:00:00.000Z');
  });

  it('follows the schedule across a day boundary and on restricted weekdays', () => {
    const weekdaysAtMidnight = parseCron('0 0 * * 1-5', 'UTC');
    // 2026-03-02 is a Monday.
    expect(scheduledTick(weekdaysAtMidnight, at('2026-03-02T00:00:03.000Z')).toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('honours the schedule time zone', () => {
    const nineInParis = parseCron('0 9 * * *', 'Europe/Paris');
    // 09:00 in Paris is 08:00 UTC in winter.
    expect(scheduledTick(nineInParis, at('2026-01-15T08:00:02.000Z')).toISOString()).toBe('2026-01-15T08:00:00.000Z');
  });

  it('falls back to the whole second when no occurrence lies within the lateness window', () => {
    const hourly = parseCron('0 * * * *', 'UTC');
    const firedAt = new Date(Date.parse('2026-03-01T10:00:00.000Z') + MAX_TICK_LATENESS_MS + 1500);
    expect(scheduledTick(hourly, firedAt).toISOString()).toBe('2026-03-01T10:05:01.000Z');
  });
});

describe('parseCron', () => {
  it('rejects expressions without 5 or 6 fields with a sentence naming the expression', () => {
    expect(() => parseCron('* * *')).toThrow('The cron expression "* * *" must have 5 fields (minute precision) or 6 (second precision).');
    expect(() => parseCron('@hourly')).toThrow(/must have 5 fields/);
  });

  it('rejects out-of-range fields', () => {
    expect(() => parseCron('0 61 * * *')).toThrow(/The cron expression "0 61 \* \* \*" is invalid/);
  });
});
