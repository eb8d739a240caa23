import { IllegalTransitionError, REQUEST_EVENTS, TRANSITIONS, eventsFrom, nextStatus } from './request-state-machine';
import { FINAL_STATUSES, REQUEST_STATUSES, RequestStatus } from './request-types';

const base = { type: 'access' as const };

describe('request state machine', () => {
  it('walks the happy path of an anonymous request', () => {
    let s: RequestStatus = 'received';
    for (const e of ['await_identity', 'verify', 'review', 'approve', 'execute', 'complete'] as const) s = nextStatus(s, e, base);
    expect(s).toBe('completed');
  });

  it('hands a deletion over to erasure, and only a deletion', () => {
    expect(nextStatus('executing', 'hand_over_erasure', { type: 'deletion' })).toBe('awaiting_erasure');
    expect(nextStatus('awaiting_erasure', 'complete', { type: 'deletion' })).toBe('completed');
    expect(() => nextStatus('executing', 'hand_over_erasure', base)).toThrow(IllegalTransitionError);
  });

  it('lets a requester withdraw any time before execution or during a deletion grace period, never after', () => {
    for (const s of ['received', 'identity_pending', 'verified', 'in_review', 'approved', 'on_hold', 'awaiting_erasure'] as const) expect(nextStatus(s, 'withdraw', base)).toBe('withdrawn');
    for (const s of ['executing', 'completed', 'failed', 'denied'] as const) expect(() => nextStatus(s, 'withdraw', base)).toThrow(IllegalTransitionError);
  });

  it('final statuses allow no event at all', () => {
    for (const s of FINAL_STATUSES) expect(eventsFrom(s)).toEqual([]);
  });

  it('every status is reachable and every event leads somewhere known', () => {
    const targets = new Set<string>(['received']);
    for (const e of REQUEST_EVENTS) {
      const to = TRANSITIONS[e].to;
      if (to !== 'same' && to !== 'held_from') targets.add(to);
    }
    expect([...targets].sort()).toEqual([...REQUEST_STATUSES].sort());
  });

  it('a denial needs a reason code', () => {
    expect(nextStatus('in_review', 'deny', { ...base, denialReason: 'excessive' })).toBe('denied');
    expect(() => nextStatus('in_review', 'deny', { ...base, denialReason: 'because' })).toThrow(/reason code/);
    expect(() => nextStatus('approved', 'deny', { ...base, denialReason: 'excessive' })).toThrow(/cannot deny/);
  });

  it('a hold needs a reason and returns to where it started', () => {
    expect(nextStatus('approved', 'hold', { ...base, reason: 'waiting for ID' })).toBe('on_hold');
    expect(() => nextStatus('approved', 'hold', { ...base, reason: '  ' })).toThrow(/reason/);
    expect(nextStatus('on_hold', 'resume', { ...base, heldFrom: 'in_review' })).toBe('in_review');
    expect(() => nextStatus('on_hold', 'resume', { ...base, heldFrom: null })).toThrow(IllegalTransitionError);
  });

  it('an extension: once, with a reason, before the first deadline, where a regime allows it', () => {
    const ok = { ...base, today: '2026-02-10', extensionNoticeBy: '2026-02-28', extensible: true, extended: false, reason: 'complex' };
    expect(nextStatus('in_review', 'extend', ok)).toBe('in_review');
    expect(nextStatus('on_hold', 'extend', ok)).toBe('on_hold');
    expect(() => nextStatus('in_review', 'extend', { ...ok, extended: true })).toThrow(/once/);
    expect(() => nextStatus('in_review', 'extend', { ...ok, today: '2026-03-01' })).toThrow(/before the first deadline/);
    expect(nextStatus('in_review', 'extend', { ...ok, today: '2026-02-28' })).toBe('in_review');
    expect(() => nextStatus('in_review', 'extend', { ...ok, extensible: false })).toThrow(/allows an extension/);
    expect(() => nextStatus('in_review', 'extend', { ...ok, reason: '' })).toThrow(/reason/);
    expect(() => nextStatus('executing', 'extend', ok)).toThrow(/cannot extend/);
  });

  it('illegal transitions are typed errors naming the status and the event', () => {
    try {
      nextStatus('identity_pending', 'approve', base);
      throw new Error('not reached');
    } catch (err) {
      expect(err).toBeInstanceOf(IllegalTransitionError);
      expect((err as IllegalTransitionError).from).toBe('identity_pending');
      expect((err as IllegalTransitionError).event).toBe('approve');
    }
    expect(() => nextStatus('completed', 'retry', base)).toThrow(IllegalTransitionError);
    expect(nextStatus('failed', 'retry', base)).toBe('executing');
    expect(() => nextStatus('verified', 'expire', base)).toThrow(IllegalTransitionError);
  });
});
