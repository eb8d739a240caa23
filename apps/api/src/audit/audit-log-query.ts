// The console's audit-log list: which sorts and filters it accepts, and the checks on filter values.
import type { ListQueryRules } from '../admin-query/list-query';
import { ValidationFailedException } from '../errors/domain.exception';
import { AUDIT_ACTOR_TYPES, AuditActorType } from './audit-entry';

export const AUDIT_LOG_LIST_RULES: ListQueryRules = {
  sortable: ['sequence', 'occurredAt'],
  defaultSort: ['sequence', 'DESC'],
  filterable: ['id', 'actorType', 'actorId', 'subjectType', 'subjectId', 'action', 'from', 'to'],
};

export interface AuditLogFilter {
  ids?: string[];
  actorType?: AuditActorType;
  actorId?: string;
  subjectType?: string;
  subjectId?: string;
  actions?: string[];
  /** Inclusive lower bound on occurredAt. */
  from?: Date;
  /** Exclusive upper bound on occurredAt. */
  to?: Date;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_VALUES = 500;

function strings(value: unknown): string[] | undefined {
  const list = Array.isArray(value) ? value : [value];
  return list.length <= MAX_VALUES && list.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 200) ? (list as string[]) : undefined;
}

function time(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Checks the values of an already-whitelisted filter; a bad value answers 422 naming it. */
export function parseAuditLogFilter(filter: Record<string, unknown>): AuditLogFilter {
  const problems: string[] = [];
  const out: AuditLogFilter = {};
  if (filter.id !== undefined) {
    const ids = strings(filter.id);
    if (ids && ids.every((id) => UUID_RE.test(id))) out.ids = ids.map((id) => id.toLowerCase());
    else problems.push('id must be a UUID or a list of UUIDs');
  }
  if (filter.actorType !== undefined) {
    if ((AUDIT_ACTOR_TYPES as readonly unknown[]).includes(filter.actorType)) out.actorType = filter.actorType as AuditActorType;
    else problems.push(`actorType must be one of ${AUDIT_ACTOR_TYPES.join(', ')}`);
  }
  for (const key of ['actorId', 'subjectType', 'subjectId'] as const) {
    if (filter[key] === undefined) continue;
    const [one, ...more] = strings(filter[key]) ?? [];
    if (one !== undefined && more.length === 0) out[key] = one;
    else problems.push(`${key} must be a non-empty string`);
  }
  if (filter.action !== undefined) {
    const actions = strings(filter.action);
    if (actions) out.actions = actions;
    else problems.push('action must be an action name or a list of them');
  }
  for (const key of ['from', 'to'] as const) {
    if (filter[key] === undefined) continue;
    const d = time(filter[key]);
    if (d) out[key] = d;
    else problems.push(`${key} must be an ISO 8601 date or time`);
  }
  if (out.from && out.to && out.from > out.to) problems.push('from must not be after to');
  if (problems.length > 0) throw new ValidationFailedException({ filter: `${problems.join('; ')}.` });
  return out;
}

/** True when no filter narrows the list, so the total is the chain length and needs no count. */
export function isUnfiltered(filter: AuditLogFilter): boolean {
  return Object.values(filter).every((v) => v === undefined);
}
