import type { ListQuery } from '../admin-query/list-query';
import { ValidationFailedException } from '../errors/domain.exception';
import { containsPattern, fieldsUsedBy, parseUserListFilter } from './user-list-query';

function errorsOf(filter: Record<string, unknown>): Record<string, string> {
  try {
    parseUserListFilter(filter);
  } catch (err) {
    if (err instanceof ValidationFailedException) return err.errors;
    throw err;
  }
  throw new Error('expected a validation failure');
}

const query = (sortField: string, filter: Record<string, unknown> = {}): ListQuery => ({ sortField, sortOrder: 'ASC', skip: 0, take: 25, filter });

describe('the console’s user list filter', () => {
  it('reads every supported filter, normalising ids, regions and text', () => {
    const id = '0B7E1D2C-3A4B-4C5D-8E6F-7A8B9C0D1E2F';
    expect(parseUserListFilter({ id: [id], status: ['active', 'restricted'], region: 'us-ca', q: '  alice@ ', createdFrom: '2026-01-01', createdBefore: '2026-02-01T00:00:00Z' })).toEqual({
      ids: [id.toLowerCase()],
      statuses: ['active', 'restricted'],
      region: 'US-CA',
      text: 'alice@',
      createdFrom: new Date('2026-01-01'),
      createdBefore: new Date('2026-02-01T00:00:00Z'),
    });
    expect(parseUserListFilter({ id, status: 'active' })).toEqual({ ids: [id.toLowerCase()], statuses: ['active'] });
    expect(parseUserListFilter({ q: '   ' })).toEqual({});
    expect(parseUserListFilter({ id: [] })).toEqual({ ids: [] });
  });

  it('names every bad value', () => {
    expect(errorsOf({ id: ['not-a-uuid'], status: 'sleeping', region: 'UK', q: 42, createdFrom: 'yesterday', createdBefore: '2026-13-45' })).toEqual({
      'filter.id': expect.stringMatching(/user id/),
      'filter.status': expect.stringMatching(/^The status filter takes active, restricted, suspended/),
      'filter.region': 'The region code of the United Kingdom is GB.',
      'filter.q': expect.stringMatching(/text/),
      'filter.createdFrom': expect.stringMatching(/ISO 8601/),
      'filter.createdBefore': expect.stringMatching(/ISO 8601/),
    });
    expect(errorsOf({ status: [] })).toHaveProperty(['filter.status']);
    expect(errorsOf({ region: 7 })).toHaveProperty(['filter.region']);
    expect(errorsOf({ q: 'x'.repeat(201) })).toHaveProperty(['filter.q']);
    expect(errorsOf({ createdFrom: '2026-02-01', createdBefore: '2026-01-01' })).toEqual({ 'filter.createdBefore': 'createdBefore must not be earlier than createdFrom.' });
  });

  it('lists the fields a query sorts or filters by', () => {
    expect(fieldsUsedBy(query('createdAt'), {})).toEqual(['createdAt']);
    expect(fieldsUsedBy(query('email'), parseUserListFilter({ q: 'al', status: 'active', region: 'FR', id: [], createdBefore: '2026-01-01' })).sort()).toEqual(
      ['createdAt', 'displayName', 'email', 'id', 'region', 'status'].sort(),
    );
  });

  it('escapes LIKE wildcards so they match themselves', () => {
    expect(containsPattern('a_b%c\\d')).toBe('%a\\_b\\%c\\\\d%');
  });
});
