// Bounded concurrency for erasers and sweeps that call out per record (provider deletes, storage).

/**
 * Runs `task` for every item with at most `limit` in flight, in order of start. Rejects with the
 * first error once the tasks already started have settled (no task is left running unobserved).
 */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a whole number, 1 or more.');
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await task(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
}
