import { BusinessCalendar } from './calendar';
import { computeDeadlines, daysLeft, pausedDays } from './deadlines';

const at = (iso: string): Date => new Date(iso);

describe('computeDeadlines', () => {
  it('GDPR: one calendar month, 31 January → end of February, extension to three months', () => {
    const d = computeDeadlines({ receivedAt: at('2026-01-31T22:10:00Z'), regimes: ['gdpr'], type: 'access', extended: false, today: '2026-01-31' });
    expect(d.dueOn).toBe('2026-02-28');
    expect(d.dueAt.toISOString()).toBe('2026-02-28T23:59:59.999Z');
    expect(d.governedBy).toBe('gdpr');
    expect(d.extensible).toBe(true);
    expect(d.extensionNoticeBy).toBe('2026-02-28');
    expect(d.acknowledgeBy).toBeNull();
    const ext = computeDeadlines({ receivedAt: at('2026-01-31T22:10:00Z'), regimes: ['gdpr'], type: 'access', extended: true, today: '2026-02-10' });
    expect(ext.dueOn).toBe('2026-04-30');
  });

  it('GDPR in a leap year: 31 January 2028 → 29 February', () => {
    expect(computeDeadlines({ receivedAt: at('2028-01-31T00:00:00Z'), regimes: ['gdpr'], type: 'access', extended: false, today: '2028-01-31' }).dueOn).toBe('2028-02-29');
    expect(computeDeadlines({ receivedAt: at('2028-02-29T12:00:00Z'), regimes: ['gdpr'], type: 'access', extended: false, today: '2028-02-29' }).dueOn).toBe('2028-03-29');
  });

  it('uses the UTC day of receipt: late evening in Berlin is still that UTC day', () => {
    const d = computeDeadlines({ receivedAt: at('2026-03-31T23:30:00+02:00'), regimes: ['gdpr'], type: 'access', extended: false, today: '2026-03-31' });
    expect(d.receivedOn).toBe('2026-03-31');
    expect(d.dueOn).toBe('2026-04-30');
  });

  it('CCPA: 45 days, 10 business days to acknowledge (weekends skipped), +45 when extended', () => {
    // Friday 27 November 2026.
    const d = computeDeadlines({ receivedAt: at('2026-11-27T10:00:00Z'), regimes: ['ccpa'], type: 'access', extended: false, today: '2026-11-27' });
    expect(d.dueOn).toBe('2027-01-11');
    expect(d.acknowledgeBy).toBe('2026-12-11');
    expect(computeDeadlines({ receivedAt: at('2026-11-27T10:00:00Z'), regimes: ['ccpa'], type: 'access', extended: true, today: '2026-11-27' }).dueOn).toBe('2027-02-25');
  });

  it('CCPA opt-out: 15 business days, holidays skipped, no extension', () => {
    const cal = new BusinessCalendar(['2026-12-25', '2027-01-01']);
    const d = computeDeadlines({ receivedAt: at('2026-12-18T10:00:00Z'), regimes: ['ccpa'], type: 'opt_out', extended: false, today: '2026-12-18', calendar: cal });
    // 21–24, 28–31 Dec (8), 4–8 Jan (5), 11–12 Jan (2) = 15.
    expect(d.dueOn).toBe('2027-01-12');
    expect(d.extensible).toBe(false);
    expect(d.acknowledgeBy).toBeNull();
  });

  it('earliest deadline wins when several regimes apply', () => {
    const d = computeDeadlines({ receivedAt: at('2026-01-31T09:00:00Z'), regimes: ['gdpr', 'ccpa'], type: 'access', extended: false, today: '2026-01-31' });
    expect(d.dueOn).toBe('2026-02-28');
    expect(d.governedBy).toBe('gdpr');
    expect(d.sources.map((s) => s.source)).toEqual(['gdpr', 'ccpa']);
    // Extended: GDPR 30 April, CCPA 1 May → still GDPR.
    expect(computeDeadlines({ receivedAt: at('2026-01-31T09:00:00Z'), regimes: ['gdpr', 'ccpa'], type: 'access', extended: true, today: '2026-01-31' }).dueOn).toBe('2026-04-30');
  });

  it('COPPA acts promptly and is not extended; it rules over GDPR', () => {
    const d = computeDeadlines({ receivedAt: at('2026-06-01T09:00:00Z'), regimes: ['gdpr', 'coppa'], type: 'deletion', extended: true, today: '2026-06-01' });
    expect(d.dueOn).toBe('2026-06-11');
    expect(d.governedBy).toBe('coppa');
  });

  it('deletion: the 30-day policy rules over a 31-day GDPR month', () => {
    const d = computeDeadlines({ receivedAt: at('2026-07-31T09:00:00Z'), regimes: ['gdpr'], type: 'deletion', extended: false, today: '2026-07-31' });
    expect(d.dueOn).toBe('2026-08-30');
    expect(d.governedBy).toBe('policy');
    expect(computeDeadlines({ receivedAt: at('2026-02-01T09:00:00Z'), regimes: ['gdpr'], type: 'deletion', extended: false, today: '2026-02-01' }).governedBy).toBe('gdpr');
  });

  it('regime other: 30 days, +30', () => {
    expect(computeDeadlines({ receivedAt: at('2026-01-01T00:00:00Z'), regimes: ['other'], type: 'access', extended: false, today: '2026-01-01' }).dueOn).toBe('2026-01-31');
    expect(computeDeadlines({ receivedAt: at('2026-01-01T00:00:00Z'), regimes: ['other'], type: 'access', extended: true, today: '2026-01-01' }).dueOn).toBe('2026-03-02');
  });

  it('stopping the clock moves every answer deadline by the days stopped', () => {
    const d = computeDeadlines({
      receivedAt: at('2026-01-31T09:00:00Z'),
      regimes: ['gdpr'],
      type: 'access',
      extended: false,
      today: '2026-02-20',
      clockStops: [
        { from: '2026-02-05', to: '2026-02-10', reason: 'waiting for the requester' },
        { from: '2026-02-15', to: null, reason: 'waiting again' },
      ],
    });
    expect(d.pausedDays).toBe(10);
    expect(d.dueOn).toBe('2026-03-10');
    expect(d.extensionNoticeBy).toBe('2026-03-10');
  });

  it('refuses a request without a regime', () => {
    expect(() => computeDeadlines({ receivedAt: at('2026-01-01T00:00:00Z'), regimes: [], type: 'access', extended: false, today: '2026-01-01' })).toThrow(RangeError);
  });
});

describe('pausedDays and daysLeft', () => {
  it('counts overlapping stops once and a same-day stop as zero', () => {
    expect(pausedDays([{ from: '2026-01-01', to: '2026-01-05', reason: 'a' }, { from: '2026-01-03', to: '2026-01-07', reason: 'b' }], '2026-02-01')).toBe(6);
    expect(pausedDays([{ from: '2026-01-01', to: '2026-01-01', reason: 'a' }], '2026-02-01')).toBe(0);
  });

  it('counts down to the due day and goes negative when overdue', () => {
    expect(daysLeft('2026-02-28', '2026-02-20')).toBe(8);
    expect(daysLeft('2026-02-28', '2026-02-28')).toBe(0);
    expect(daysLeft('2026-02-28', '2026-03-02')).toBe(-2);
  });
});
