// The console's user list: which sorts and filters it accepts, and the checks on filter values.
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { ValidationFailedException } from '../errors/domain.exception';
import { parseRegion } from './region';
import { ACCOUNT_STATUSES, AccountStatus } from './user.entity';

export const USER_LIST_RULES: ListQueryRules = {
  sortable: ['email', 'displayName', 'region', 'status', 'createdAt', 'updatedAt'],
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'status', 'region', 'q', 'createdFrom', 'createdBefore'],
};

export interface UserListFilter {
  ids?: string[];
  statuses?: AccountStatus[];
  region?: string;
  /** Part of an email address or display name, matched without regard to case. */
  text?: string;
  /** Inclusive lower bound on createdAt. */
  createdFrom?: Date;
  /** Exclusive upper bound on createdAt. */
  createdBefore?: Date;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_IDS = 500;
const MAX_TEXT = 200;

function time(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Checks the values of an already-whitelisted filter; bad values answer 422 naming each one. */
export function parseUserListFilter(filter: Record<string, unknown>): UserListFilter {
  const errors: Record<string, string> = {};
  const out: UserListFilter = {};
  if (filter.id !== undefined) {
    const ids = Array.isArray(filter.id) ? filter.id : [filter.id];
    if (ids.length <= MAX_IDS && ids.every((id): id is string => typeof id === 'string' && UUID_RE.test(id))) out.ids = ids.map((id) => id.toLowerCase());
    else errors['filter.id'] = `The id filter takes a user id or a list of at most ${MAX_IDS} user ids.`;
  }
  if (filter.status !== undefined) {
    const statuses = Array.isArray(filter.status) ? filter.status : [filter.status];
    if (statuses.length > 0 && statuses.every((s) => (ACCOUNT_STATUSES as readonly unknown[]).includes(s))) out.statuses = statuses as AccountStatus[];
    else errors['filter.status'] = `The status filter takes ${ACCOUNT_STATUSES.join(', ')} (one or a list).`;
  }
  if (filter.region !== undefined) {
    const region = typeof filter.region === 'string' ? parseRegion(filter.region) : undefined;
    if (region?.ok) out.region = region.region;
    else errors['filter.region'] = region && !region.ok ? region.message : 'The region filter takes a region code such as FR, EU or US-CA.';
  }
  if (filter.q !== undefined) {
    if (typeof filter.q === 'string' && filter.q.length <= MAX_TEXT) {
      if (filter.q.trim()) out.text = filter.q.trim();
    } else errors['filter.q'] = `The q filter takes text of at most ${MAX_TEXT} characters.`;
  }
  for (const key of ['createdFrom', 'createdBefore'] as const) {
    if (filter[key] === undefined) continue;
    const d = time(filter[key]);
    if (d) out[key] = d;
    else errors[`filter.${key}`] = `The ${key} filter takes an ISO 8601 date or time.`;
  }
  if (out.createdFrom && out.createdBefore && out.createdFrom > out.createdBefore) errors['filter.createdBefore'] = 'createdBefore must not be earlier than createdFrom.';
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return out;
}

/**
 * The user fields a list query sorts or filters by. A caller who may not read one of them must not
 * use it either: the order of the rows or what a filter keeps would reveal its values.
 */
export function fieldsUsedBy(q: ListQuery, filter: UserListFilter): string[] {
  const fields = new Set<string>([q.sortField]);
  if (filter.ids) fields.add('id');
  if (filter.statuses) fields.add('status');
  if (filter.region) fields.add('region');
  if (filter.text) ['email', 'displayName'].forEach((f) => fields.add(f));
  if (filter.createdFrom || filter.createdBefore) fields.add('createdAt');
  return [...fields];
}

/** `text` as a pattern for ILIKE '%…%': LIKE's own wildcards in it match themselves. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[%_\\]/g, '\\$&')}%`;
}
