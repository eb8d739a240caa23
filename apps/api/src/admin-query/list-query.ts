// Parses react-admin's ra-data-simple-rest list parameters: sort=["field","ASC"], range=[0,24], filter={...}.
import { ValidationFailedException } from '../errors/domain.exception';

export interface ListQuery {
  sortField: string;
  sortOrder: 'ASC' | 'DESC';
  skip: number;
  take: number;
  filter: Record<string, unknown>;
}

export interface ListQueryRules {
  sortable: readonly string[];
  defaultSort: [string, 'ASC' | 'DESC'];
  filterable: readonly string[];
  maxPageSize?: number;
}

function parseJson(name: string, raw: unknown, errors: Record<string, string>): unknown {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string') {
    errors[name] = `The ${name} parameter must be given once, as JSON.`;
    return undefined;
  }
  try {
    return JSON.parse(raw);
  } catch {
    errors[name] = `The ${name} parameter is not valid JSON.`;
    return undefined;
  }
}

/** Validates list parameters against what a resource allows; unknown sort or filter fields answer 422. */
export function parseListQuery(query: Record<string, unknown>, rules: ListQueryRules): ListQuery {
  const errors: Record<string, string> = {};
  const maxPage = rules.maxPageSize ?? 500;
  let [sortField, sortOrder] = rules.defaultSort;
  let skip = 0;
  let take = 25;
  let filter: Record<string, unknown> = {};

  const sort = parseJson('sort', query.sort, errors);
  if (sort !== undefined) {
    if (Array.isArray(sort) && sort.length === 2 && typeof sort[0] === 'string' && (sort[1] === 'ASC' || sort[1] === 'DESC')) {
      if (!rules.sortable.includes(sort[0])) errors.sort = `Sorting by "${sort[0]}" is not supported; use one of ${rules.sortable.join(', ')}.`;
      else [sortField, sortOrder] = [sort[0], sort[1]];
    } else {
      errors.sort = 'The sort parameter must look like ["field","ASC"] or ["field","DESC"].';
    }
  }

  const range = parseJson('range', query.range, errors);
  if (range !== undefined) {
    const [a, b] = Array.isArray(range) ? range : [];
    if (Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= a) {
      skip = a;
      take = Math.min(b - a + 1, maxPage);
      if (b - a + 1 > maxPage) errors.range = `A page holds at most ${maxPage} records.`;
    } else {
      errors.range = 'The range parameter must look like [0,24] (first and last index, inclusive).';
    }
  }

  const f = parseJson('filter', query.filter, errors);
  if (f !== undefined) {
    if (f === null || typeof f !== 'object' || Array.isArray(f)) {
      errors.filter = 'The filter parameter must be a JSON object.';
    } else {
      const unknown = Object.keys(f).filter((k) => !rules.filterable.includes(k));
      if (unknown.length > 0) errors.filter = `Filtering by ${unknown.join(', ')} is not supported; use ${rules.filterable.join(', ') || 'no filters'}.`;
      else filter = f as Record<string, unknown>;
    }
  }

  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return { sortField, sortOrder, skip, take, filter };
}

/** The Content-Range header value ra-data-simple-rest reads the total from. */
export function contentRange(resource: string, skip: number, count: number, total: number): string {
  const end = count === 0 ? skip : skip + count - 1;
  return `${resource} ${skip}-${end}/${total}`;
}
