import { equalityFilterSql } from './list-filter';

const COLUMNS = { id: { column: 'id', uuid: true }, status: { column: 'status' } };
const ID = '6f1c2a44-0b8e-4c55-9a0e-1d2b3c4d5e6f';

describe('equalityFilterSql', () => {
  it('turns known fields into parameterised equality on their columns, one value or a list', () => {
    expect(equalityFilterSql({ id: ID, status: ['queued', 'running'] }, COLUMNS)).toEqual({
      clause: 'WHERE id::text = ANY($1) AND status::text = ANY($2)',
      params: [[ID], ['queued', 'running']],
    });
  });

  it('is empty without filters and ignores fields it does not know', () => {
    expect(equalityFilterSql({ other: 'x' }, COLUMNS)).toEqual({ clause: '', params: [] });
  });

  it('refuses ids that are not UUIDs and values that are not text, naming the field', () => {
    expect(() => equalityFilterSql({ id: 'nope', status: 3 }, COLUMNS)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        errors: { id: 'id must be an id (UUID) or a list of ids.', status: 'status must be text or a list of texts.' },
      }),
    );
  });
});
