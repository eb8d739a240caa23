import { ValidationFailedException } from '../errors/domain.exception';
import { isUnfiltered, parseAuditLogFilter } from './audit-log-query';

function filterError(filter: Record<string, unknown>): string {
  try {
    parseAuditLogFilter(filter);
  } catch (err) {
    if (err instanceof ValidationFailedException) return err.errors.filter ?? '';
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('parseAuditLogFilter', () => {
  it('reads every supported filter', () => {
    const id = '0B7E1D2C-3A4B-4C5D-8E6F-7A8B9C0D1E2F';
    expect(
      parseAuditLogFilter({
        id: [id],
        actorType: 'staff',
        actorId: 'a',
        subjectType: 'staff',
        subjectId: 'b',
        action: 'staff.login',
        from: '2026-11-01',
        to: '2026-11-27T10:00:00Z',
      }),
    ).toEqual({
      ids: [id.toLowerCase()],
      actorType: 'staff',
      actorId: 'a',
      subjectType: 'staff',
      subjectId: 'b',
      actions: ['staff.login'],
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-11-27T10:00:00Z'),
    });
    expect(parseAuditLogFilter({ action: ['staff.login', 'staff.logout'] }).actions).toEqual(['staff.login', 'staff.logout']);
  });

  it.each([
    [{ id: 'verify' }, /id must be a UUID/],
    [{ actorType: 'robot' }, /actorType must be one of staff, user, system, agent, anonymous/],
    [{ actorId: 42 }, /actorId must be a non-empty string/],
    [{ subjectId: ['a', 'b'] }, /subjectId must be a non-empty string/],
    [{ action: [1] }, /action must be an action name/],
    [{ from: 'yesterday' }, /from must be an ISO 8601 date/],
    [{ to: '2026-13-45' }, /to must be an ISO 8601 date/],
    [{ from: '2026-11-27', to: '2026-11-01' }, /from must not be after to/],
  ])('answers 422 on the filter parameter for %j', (filter, expected) => {
    expect(filterError(filter)).toMatch(expected);
  });

  it('knows when nothing narrows the list', () => {
    expect(isUnfiltered(parseAuditLogFilter({}))).toBe(true);
    expect(isUnfiltered(parseAuditLogFilter({ action: 'staff.login' }))).toBe(false);
  });
});
