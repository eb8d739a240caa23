import { stuckReason } from './stuck';

describe('stuckReason', () => {
  const now = new Date('2026-11-27T12:00:00Z');
  const due = new Date('2026-12-27T23:59:59.999Z');

  it('reports a request past its status limit', () => {
    expect(stuckReason({ status: 'approved', since: new Date('2026-11-26T11:00:00Z'), dueAt: due }, now)).toBe('in approved for more than 24 h');
    expect(stuckReason({ status: 'approved', since: new Date('2026-11-26T13:00:00Z'), dueAt: due }, now)).toBeNull();
  });

  it('reports an open request past its deadline, never a final one', () => {
    expect(stuckReason({ status: 'in_review', since: now, dueAt: new Date('2026-11-26T23:59:59.999Z') }, now)).toBe('overdue');
    expect(stuckReason({ status: 'completed', since: new Date('2020-01-01T00:00:00Z'), dueAt: new Date('2020-01-01T00:00:00Z') }, now)).toBeNull();
  });
});
