import { forEachConcurrently } from './for-each-concurrently';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('forEachConcurrently', () => {
  it('runs every item once and never more than the limit at a time', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    await forEachConcurrently([...Array(25).keys()], 4, async (item) => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      seen.push(item);
      running -= 1;
    });
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(25).keys()]);
    expect(peak).toBe(4);
  });

  it('stops starting new items after a failure and rejects with the first error once started ones settled', async () => {
    const started: number[] = [];
    let settled = 0;
    const run = forEachConcurrently([...Array(20).keys()], 3, async (item) => {
      started.push(item);
      await tick();
      settled += 1;
      if (item === 1) throw new Error('provider down');
      if (item === 2) throw new Error('second failure');
    });
    await expect(run).rejects.toThrow('provider down');
    expect(settled).toBe(started.length);
    expect(started.length).toBeLessThan(20);
  });

  it('does nothing for no items and refuses a limit below one', async () => {
    await expect(forEachConcurrently([], 2, async () => undefined)).resolves.toBeUndefined();
    await expect(forEachConcurrently([1], 0, async () => undefined)).rejects.toThrow(RangeError);
  });
});
