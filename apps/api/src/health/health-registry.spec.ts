import { HealthRegistry } from './health-registry';

describe('HealthRegistry', () => {
  it('reports each check up or down with its reason', async () => {
    const registry = new HealthRegistry();
    registry.register('database', async () => undefined);
    registry.register('storage', async () => {
      throw new Error('storage write failed (ENOSPC)');
    });
    const result = await registry.run();
    expect(result.database?.status).toBe('up');
    expect(result.storage).toMatchObject({ status: 'down', detail: 'storage write failed (ENOSPC)' });
  });

  it('marks a check that does not answer in time as down', async () => {
    const registry = new HealthRegistry();
    registry.register('jobs', () => new Promise(() => undefined));
    expect((await registry.run(20)).jobs).toMatchObject({ status: 'down', detail: 'no answer within 20 ms' });
  });

  it('lets concurrent callers share one run of the checks, and starts a fresh run afterwards', async () => {
    const registry = new HealthRegistry();
    let calls = 0;
    registry.register('database', async () => {
      calls += 1;
      await new Promise((r) => setTimeout(r, 10));
    });
    const results = await Promise.all(Array.from({ length: 32 }, () => registry.run()));
    expect(calls).toBe(1);
    expect(results.every((r) => r.database?.status === 'up')).toBe(true);
    await registry.run();
    expect(calls).toBe(2);
  });
});
