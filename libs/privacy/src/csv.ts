// CSV serialisation of exported records (RFC 4180: comma-separated, CRLF line ends, fields with
// commas, quotes or line breaks quoted, quotes doubled). Nested values are flattened into dotted
// columns; arrays of plain values are joined with "; ". Cells that a spreadsheet would run as a
// formula (=, +, -, @, tab, CR at the start) get a leading apostrophe (OWASP "CSV injection").

export type CsvValue = null | undefined | boolean | number | string | CsvValue[] | { [key: string]: CsvValue };

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, escaped. Numbers stay as written (a negative number is not a formula). */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean') text = value ? 'true' : 'false';
  else if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else if (Array.isArray(value) && value.every((v) => v === null || typeof v !== 'object')) return csvCell(value.map((v) => (v === null || v === undefined ? '' : String(v))).join('; '));
  else return csvCell(JSON.stringify(value));
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One line (with its CRLF). */
export function csvLine(values: CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * Flattens a record into dotted columns: `{a: {b: 1}, c: [1, 2]}` → `{"a.b": 1, c: [1, 2]}`.
 * Arrays are kept whole (one cell); objects nested deeper than `maxDepth` become JSON text.
 */
export function flattenRecord(record: { [key: string]: CsvValue }, maxDepth = 3): Record<string, CsvValue> {
  const out: Record<string, CsvValue> = {};
  const walk = (value: CsvValue, prefix: string, depth: number): void => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && depth < maxDepth && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(v, prefix ? `${prefix}.${k}` : k, depth + 1);
    } else {
      out[prefix] = value;
    }
  };
  for (const [k, v] of Object.entries(record)) walk(v, k, 1);
  return out;
}

/** Collects column names in first-seen order; call `add` per flattened record, then read `columns`. */
export class CsvColumns {
  private readonly seen = new Set<string>();
  readonly columns: string[] = [];

  add(flat: Record<string, CsvValue>): void {
    for (const key of Object.keys(flat)) {
      if (!this.seen.has(key)) {
        this.seen.add(key);
        this.columns.push(key);
      }
    }
  }
}

/** The CSV line of a flattened record under the given columns (missing columns are empty). */
export function csvRecordLine(columns: readonly string[], flat: Record<string, CsvValue>): string {
  return csvLine(columns.map((c) => flat[c]));
}

/** A whole small CSV document (tests, small categories): header plus one line per record. */
export function toCsv(records: Array<{ [key: string]: CsvValue }>): string {
  const flats = records.map((r) => flattenRecord(r));
  const cols = new CsvColumns();
  for (const f of flats) cols.add(f);
  return csvLine(cols.columns) + flats.map((f) => csvRecordLine(cols.columns, f)).join('');
}
