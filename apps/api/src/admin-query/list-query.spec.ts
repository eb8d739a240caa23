import { ValidationFailedException } from '../errors/domain.exception';
import { contentRange, parseListQuery } from './list-query';

const rules = { sortable: ['email', 'createdAt'], defaultSort: ['createdAt', 'DESC'] as [string, 'DESC'], filterable: ['status', 'q'] };

function errorsOf(query: Record<string, unknown>): Record<string, string> {
  try {
    parseListQuery(query, rules);
  } catch (err) {
    if (err instanceof ValidationFailedException) return err.errors;
    throw err;
  }
  throw new Error('expected a validation failure');
}

describe('parseListQuery (ra-data-simple-rest parameters)', () => {
  it('uses the default sort and first page of 25 when nothing is given', () => {
    expect(parseListQuery({}, rules)).toEqual({ sortField: 'createdAt', sortOrder: 'DESC', skip: 0, take: 25, filter: {} });
  });

  it('reads sort, inclusive range and filter', () => {
    expect(parseListQuery({ sort: '["email","ASC"]', range: '[10,19]', filter: '{"status":"active"}' }, rules)).toEqual({
      sortField: 'email',
      sortOrder: 'ASC',
      skip: 10,
      take: 10,
      filter: { status: 'active' },
    });
  });

  it('refuses sorting by a field that is not sortable (no column probing)', () => {
    expect(errorsOf({ sort: '["passwordHash","ASC"]' }).sort).toMatch(/not supported/);
  });

  it.each([
    [{ sort: '["email","UP"]' }, 'sort'],
    [{ sort: 'email' }, 'sort'],
    [{ range: '[5,1]' }, 'range'],
    [{ range: '[-1,3]' }, 'range'],
    [{ range: '[0,100000]' }, 'range'],
    [{ filter: '[1,2]' }, 'filter'],
    [{ filter: '{"role":"admin"}' }, 'filter'],
    [{ filter: '{oops' }, 'filter'],
    [{ sort: ['a', 'b'] }, 'sort'],
  ])('answers 422 naming the parameter for %j', (query, field) => {
    expect(Object.keys(errorsOf(query))).toEqual([field]);
  });

  it('formats Content-Range for full, partial and empty pages', () => {
    expect(contentRange('staff', 0, 25, 319)).toBe('staff 0-24/319');
    expect(contentRange('staff', 300, 19, 319)).toBe('staff 300-318/319');
    expect(contentRange('staff', 0, 0, 0)).toBe('staff 0-0/0');
  });
});
