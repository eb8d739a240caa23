// Turns an ability's rules into a SQL condition for list queries, so lists are filtered in the
// database (never loaded then filtered). `null` means "nothing allowed": answer an empty page.
import { rulesToCondition } from '@casl/ability/extra';
import type { MongoQuery } from '@casl/ability';
import type { AppAbility } from './ability';
import type { Action, SubjectType } from './permissions';

export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

/** Maps a rule's field name to a SQL column expression (e.g. userId → "g.user_id"); undefined = unknown. */
export type ColumnMap = Readonly<Record<string, string>>;

class SqlBuilder {
  readonly params: Record<string, unknown> = {};
  private n = 0;

  constructor(
    private readonly columns: ColumnMap,
    private readonly prefix: string,
  ) {}

  param(value: unknown): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = value;
    return `:${name}`;
  }

  paramList(values: unknown[]): string {
    const name = `${this.prefix}${this.n++}`;
    this.params[name] = values;
    return `(:...${name})`;
  }

  column(field: string): string {
    const col = this.columns[field];
    // A rule naming a field the query does not map is a programming error: fail closed, loudly.
    if (!col) throw new Error(`Authorization rule uses field "${field}", which this list query does not map to a column.`);
    return col;
  }

  query(q: MongoQuery): string {
    const parts = Object.entries(q as Record<string, unknown>).map(([key, value]) => {
      // CASL's matcher silently never matches $or/$and/$nor: express alternatives as separate rules.
      if (key.startsWith('$')) throw new Error(`Authorization rules may not use ${key}; write one rule per alternative.`);
      return this.field(key, value);
    });
    return parts.length === 0 ? 'TRUE' : parts.map((p) => `(${p})`).join(' AND ');
  }

  /**
   * Every leaf is two-valued, as in CASL (a comparison with NULL is false, never unknown), so that
   * NOT(...) of a forbid rule cannot drop rows through SQL's three-valued logic.
   */
  private field(field: string, value: unknown): string {
    const col = this.column(field);
    const safe = (expr: string): string => `COALESCE(${expr}, FALSE)`;
    if (value === null) return `${col} IS NULL`;
    if (typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return safe(`${col} = ${this.param(value)}`);
    const ops = Object.entries(value as Record<string, unknown>).map(([op, v]) => {
      switch (op) {
        case '$eq':
          return v === null ? `${col} IS NULL` : safe(`${col} = ${this.param(v)}`);
        case '$ne':
          return v === null ? `${col} IS NOT NULL` : `${col} IS DISTINCT FROM ${this.param(v)}`;
        case '$in':
          return (v as unknown[]).length === 0 ? 'FALSE' : safe(`${col} IN ${this.paramList(v as unknown[])}`);
        case '$nin':
          return (v as unknown[]).length === 0 ? 'TRUE' : `(${col} IS NULL OR ${col} NOT IN ${this.paramList(v as unknown[])})`;
        case '$lt':
          return safe(`${col} < ${this.param(v)}`);
        case '$lte':
          return safe(`${col} <= ${this.param(v)}`);
        case '$gt':
          return safe(`${col} > ${this.param(v)}`);
        case '$gte':
          return safe(`${col} >= ${this.param(v)}`);
        case '$exists':
          return v ? `${col} IS NOT NULL` : `${col} IS NULL`;
        default:
          throw new Error(`Authorization rule uses operator ${op}, which the SQL translation does not support.`);
      }
    });
    return ops.map((o) => `(${o})`).join(' AND ');
  }
}

/**
 * The SQL condition under which `action` on `subjectType` is allowed, honouring the order of
 * allow and forbid rules exactly as CASL evaluates them; `null` when nothing is allowed.
 */
export function accessibleSql(ability: AppAbility, action: Action, subjectType: SubjectType, columns: ColumnMap, prefix = 'authz_'): SqlCondition | null {
  const builder = new SqlBuilder(columns, prefix);
  const rules = ability.rulesFor(action, subjectType);
  const sql = rulesToCondition(
    rules,
    (rule) => {
      const cond = builder.query((rule.conditions ?? {}) as MongoQuery);
      return rule.inverted ? `NOT (${cond})` : cond;
    },
    {
      and: (conds: string[]) => conds.map((c) => `(${c})`).join(' AND '),
      or: (conds: string[]) => conds.map((c) => `(${c})`).join(' OR '),
      empty: () => 'TRUE',
    },
  );
  return sql === null ? null : { sql, params: builder.params };
}
