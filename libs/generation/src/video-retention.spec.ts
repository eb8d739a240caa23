import { expiryNoticeDue, graceDays, purgeAllowedAt, videoExpiresAt } from './video-retention';

const day = (n: number): Date => new Date(Date.UTC(2026, 0, 1) + n * 86_400_000);

describe('videoExpiresAt', () => {
  it('keeps a free or planless user’s video keepDays after it finished', () => {
    expect(videoExpiresAt({ finishedAt: day(0), subscription: null }, 30)).toEqual(day(30));
    expect(videoExpiresAt({ finishedAt: day(0), subscription: { retentionClass: 'free', status: 'active', endedAt: null } }, 30)).toEqual(day(30));
  });

  it('keeps a paid subscriber’s video for as long as the subscription is served', () => {
    for (const status of ['active', 'trialing', 'past_due']) {
      expect(videoExpiresAt({ finishedAt: day(-400), subscription: { retentionClass: 'standard', status, endedAt: null } }, 30)).toBeNull();
    }
  });

  it('counts the grace from the later of the plan’s end and the video’s finish', () => {
    expect(videoExpiresAt({ finishedAt: day(0), subscription: { retentionClass: 'standard', status: 'canceled', endedAt: day(50) } }, 30)).toEqual(day(80));
    expect(videoExpiresAt({ finishedAt: day(60), subscription: { retentionClass: 'standard', status: 'canceled', endedAt: day(50) } }, 30)).toEqual(day(90));
    expect(videoExpiresAt({ finishedAt: day(0), subscription: { retentionClass: 'standard', status: 'unpaid', endedAt: null } }, 30)).toEqual(day(30));
  });

  it('gives the extended class at least 90 days after the plan ends', () => {
    expect(videoExpiresAt({ finishedAt: day(0), subscription: { retentionClass: 'extended', status: 'canceled', endedAt: day(10) } }, 30)).toEqual(day(100));
    expect(graceDays('extended', 120)).toBe(120);
    expect(() => graceDays('free', -1)).toThrow(RangeError);
  });
});

describe('expiryNoticeDue', () => {
  it('is due within the notice window before expiry, and for an expired video never announced', () => {
    expect(expiryNoticeDue(day(10), day(3), 7)).toBe(true);
    expect(expiryNoticeDue(day(10), day(2), 7)).toBe(false);
    expect(expiryNoticeDue(day(10), day(12), 7)).toBe(true);
    expect(expiryNoticeDue(null, day(0), 7)).toBe(false);
  });
});

describe('purgeAllowedAt', () => {
  it('purges at expiry when the owner was told in time', () => {
    expect(purgeAllowedAt(day(30), day(23), 7)).toEqual(day(30));
  });

  it('waits noticeDays after a late notice, and for a notice at all', () => {
    expect(purgeAllowedAt(day(30), day(40), 7)).toEqual(day(47));
    expect(purgeAllowedAt(day(30), null, 7)).toBeNull();
    expect(purgeAllowedAt(null, day(1), 7)).toBeNull();
  });

  it('purges an ownerless video at expiry', () => {
    expect(purgeAllowedAt(day(30), null, 7, false)).toEqual(day(30));
  });
});
