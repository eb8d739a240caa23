// Equality filters of console lists (`filter={"status":"queued","userId":"…"}` or lists of values):
// field → column, checked, and turned into a parameterised WHERE clause. 422 names a bad field.
import { ValidationFailedException } from '../errors/domain.exception';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface FilterColumn {
  column: string;
  /** The values must be UUIDs (ids). */
  uuid?: boolean;
}

export function equalityFilterSql(filter: Record<string, unknown>, columns: Record<string, FilterColumn>): { clause: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const errors: Record<string, string> = {};
  for (const [field, { column, uuid }] of Object.entries(columns)) {
    const v = filter[field];
    if (v === undefined) continue;
    const values = Array.isArray(v) ? v : [v];
    const ok = values.every((x) => typeof x === 'string' && x.length <= 100 && (!uuid || UUID_RE.test(x)));
    if (!ok) errors[field] = uuid ? `${field} must be an id (UUID) or a list of ids.` : `${field} must be text or a list of texts.`;
    else where.push(`${column}::text = ANY($${params.push(values)})`);
  }
  if (Object.keys(errors).length) throw new ValidationFailedException(errors);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}
