import type { EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery } from '../admin-query/list-query';
import { sqlRows } from '../credits/credits.service';

export interface SqlListSpec<Row, Out> {
  resource: string;
  /** `FROM … [JOIN …]` */
  from: string;
  columns: string;
  where: string[];
  params: unknown[];
  /** Console field → SQL expression. */
  sort: Record<string, string>;
  /** Tie-breaker appended to every ORDER BY. */
  tieBreak: string;
  map: (row: Row) => Out;
}

/** One console list page from SQL: WHERE clauses are ANDed, sort fields are whitelisted by the caller's map. */
export async function sqlListPage<Row, Out>(m: EntityManager, q: ListQuery, spec: SqlListSpec<Row, Out>): Promise<ListPage<Out>> {
  const where = spec.where.length > 0 ? `WHERE ${spec.where.join(' AND ')}` : '';
  const sort = spec.sort[q.sortField] ?? Object.values(spec.sort)[0];
  const n = spec.params.length;
  const [rows, count] = await Promise.all([
    sqlRows<Row>(m, `SELECT ${spec.columns} ${spec.from} ${where} ORDER BY ${sort} ${q.sortOrder}, ${spec.tieBreak} LIMIT $${n + 1} OFFSET $${n + 2}`, [...spec.params, q.take, q.skip]),
    sqlRows<{ total: string }>(m, `SELECT count(*)::text AS total ${spec.from} ${where}`, spec.params),
  ]);
  return new ListPage(spec.resource, rows.map(spec.map), q.skip, Number(count[0]?.total ?? 0));
}

/** Filter value as a list of strings (react-admin's getMany sends {id: [...]}). */
export function filterList(value: unknown): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => String(v));
}
