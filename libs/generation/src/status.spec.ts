import { isTerminal, mapProviderStatus, overallProgress } from './status';

describe('provider status mapping', () => {
  it('maps protocol statuses and the ones the protocol does not list', () => {
    expect(mapProviderStatus('queued').kind).toBe('running');
    expect(mapProviderStatus('in_progress').kind).toBe('running');
    expect(mapProviderStatus('completed').kind).toBe('completed');
    expect(mapProviderStatus('failed').kind).toBe('failed');
    expect(mapProviderStatus('expired').kind).toBe('expired');
    expect(mapProviderStatus('cancelled').kind).toBe('failed');
    expect(mapProviderStatus('weird')).toEqual({ kind: 'unknown', providerStatus: 'weird' });
  });

  it('knows terminal statuses', () => {
    expect(isTerminal('completed')).toBe(true);
    expect(isTerminal('canceled')).toBe(true);
    expect(isTerminal('in_progress')).toBe(false);
  });

  it('computes progress across a create and its extension, never 100 before storage', () => {
    expect(overallProgress([12, 8], 0, 50)).toBe(30);
    expect(overallProgress([12, 8], 1, 0)).toBe(60);
    expect(overallProgress([12, 8], 1, 100)).toBe(99);
  });
});
