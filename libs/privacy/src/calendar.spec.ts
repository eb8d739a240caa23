import { BusinessCalendar, addCalendarMonths, addDays, dayOf, daysBetween, daysInMonth, endOfDay, isCalendarDay, isLeapYear, weekday } from './calendar';

describe('calendar days (UTC)', () => {
  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2028-01-31', 1, '2028-02-29'],
    ['2026-01-30', 1, '2026-02-28'],
    ['2026-01-28', 1, '2026-02-28'],
    ['2026-03-31', 1, '2026-04-30'],
    ['2026-12-15', 1, '2027-01-15'],
    ['2026-12-31', 2, '2027-02-28'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2027-11-30', 3, '2028-02-29'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2026-05-31', 3, '2026-08-31'],
    ['2026-02-28', 1, '2026-03-28'],
  ])('%s + %i month(s) = %s', (day, n, expected) => {
    expect(addCalendarMonths(day, n)).toBe(expected);
  });

  it('knows leap years (divisible by 4, not by 100 unless by 400)', () => {
    expect([2024, 2028, 2000, 2400].map(isLeapYear)).toEqual([true, true, true, true]);
    expect([2026, 1900, 2100].map(isLeapYear)).toEqual([false, false, false]);
    expect(daysInMonth(2100, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });

  it('adds days across month, year and leap-day boundaries', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-01-01', 45)).toBe('2026-02-15');
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366);
  });

  it('takes the UTC day of an instant, so a DST change in any zone cannot move it', () => {
    // 29 March 2026 01:30 UTC: clocks in Europe jump forward; 23:30 UTC on 25 October: they go back.
    expect(dayOf(new Date('2026-03-29T01:30:00Z'))).toBe('2026-03-29');
    expect(dayOf(new Date('2026-10-25T23:30:00-00:00'))).toBe('2026-10-25');
    expect(dayOf(new Date('2026-03-29T00:30:00+02:00'))).toBe('2026-03-28');
    expect(endOfDay('2026-03-29').toISOString()).toBe('2026-03-29T23:59:59.999Z');
    expect(addDays('2026-03-28', 1)).toBe('2026-03-29');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
  });

  it('rejects what is not a calendar day', () => {
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2028-02-29')).toBe(true);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('26-01-01')).toBe(false);
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('names weekdays', () => {
    expect(weekday('2026-11-27')).toBe(5); // a Friday
    expect(weekday('2026-11-29')).toBe(0);
  });
});

describe('BusinessCalendar', () => {
  const cal = new BusinessCalendar();

  it('skips Saturdays and Sundays', () => {
    expect(cal.addBusinessDays('2026-11-27', 1)).toBe('2026-11-30'); // Friday + 1 = Monday
    expect(cal.addBusinessDays('2026-11-28', 1)).toBe('2026-11-30'); // Saturday + 1 = Monday
    expect(cal.addBusinessDays('2026-11-29', 1)).toBe('2026-11-30'); // Sunday + 1 = Monday
    expect(cal.addBusinessDays('2026-11-23', 10)).toBe('2026-12-07'); // two full weeks
    expect(cal.addBusinessDays('2026-11-27', 0)).toBe('2026-11-27');
    expect(cal.isBusinessDay('2026-11-28')).toBe(false);
  });

  it('skips configured holidays', () => {
    const withHolidays = new BusinessCalendar(['2026-12-25', '2027-01-01']);
    expect(withHolidays.addBusinessDays('2026-12-24', 1)).toBe('2026-12-28');
    expect(withHolidays.addBusinessDays('2026-12-24', 5)).toBe('2027-01-04');
    expect(cal.addBusinessDays('2026-12-24', 1)).toBe('2026-12-25');
  });

  it('refuses a bad holiday or a negative count', () => {
    expect(() => new BusinessCalendar(['2026-02-30'])).toThrow(RangeError);
    expect(() => cal.addBusinessDays('2026-01-01', -1)).toThrow(RangeError);
  });
});
