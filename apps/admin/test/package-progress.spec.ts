import { formatBytes, isSettled, progressPercent } from '../src/privacy-packages/packageProgress';

describe('package progress (console)', () => {
  const building = (categoriesDone: number, categoriesTotal: number, bytes: number) => ({ state: 'building' as const, progress: { categoriesDone, categoriesTotal, bytes } });

  it('fills the first half while categories are walked, then the zip half', () => {
    expect(progressPercent(building(0, 4, 0))).toBe(0);
    expect(progressPercent(building(1, 4, 0))).toBe(13);
    expect(progressPercent(building(4, 4, 0))).toBe(50);
    expect(progressPercent(building(4, 4, 10))).toBe(75);
    expect(progressPercent({ state: 'ready', progress: { categoriesDone: 4, categoriesTotal: 4, bytes: 9 } })).toBe(100);
    expect(progressPercent({ state: 'queued', progress: { categoriesDone: 0, categoriesTotal: 4, bytes: 0 } })).toBeUndefined();
    expect(progressPercent({ state: 'failed', progress: { categoriesDone: 2, categoriesTotal: 4, bytes: 0 } })).toBeUndefined();
  });

  it('formats sizes in decimal units', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1536)).toBe('1.5 kB');
    expect(formatBytes(1_050_000_000)).toBe('1.1 GB');
    expect(formatBytes(250_000_000)).toBe('250 MB');
  });

  it('stops polling once the package cannot change by itself', () => {
    expect(['queued', 'building', 'ready', 'failed', 'purged'].map((s) => isSettled(s as 'queued'))).toEqual([false, false, true, true, true]);
  });
});
