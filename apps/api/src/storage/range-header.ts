// The Range request header (RFC 9110 §14), reduced to what object downloads need: one byte range.

/** What to answer to a Range header for a representation of a given size. */
export type RangeDecision =
  /** No usable Range header: answer 200 with the whole object (the RFC lets a server ignore Range). */
  | { kind: 'whole' }
  /** Answer 206 with bytes start..end, both inclusive. */
  | { kind: 'partial'; start: number; end: number }
  /** Answer 416 with `Content-Range: bytes *\/size`. */
  | { kind: 'unsatisfiable' };

const WHOLE: RangeDecision = { kind: 'whole' };
const UNSATISFIABLE: RangeDecision = { kind: 'unsatisfiable' };
const RANGE_SPEC = /^(\d*)-(\d*)$/;

/**
 * Decides how to answer `header` for an object of `size` bytes. Malformed headers, other units
 * and multiple ranges are ignored (whole object): multipart/byteranges is not worth its cost here.
 */
export function parseRangeHeader(header: string | undefined, size: number): RangeDecision {
  if (header === undefined) return WHOLE;
  const eq = header.indexOf('=');
  if (eq < 0) return WHOLE;
  // Range units are case-insensitive (§14.1); no whitespace is allowed around "=".
  if (!/^[ \t]*bytes$/i.test(header.slice(0, eq))) return WHOLE;
  // A list (§5.6.1) may carry optional whitespace around commas and empty elements to skip.
  const specs = header
    .slice(eq + 1)
    .split(',')
    .map((s) => s.replace(/^[ \t]+|[ \t]+$/g, ''))
    .filter((s) => s !== '');
  if (specs.length !== 1) return WHOLE;
  const m = RANGE_SPEC.exec(specs[0] as string);
  if (!m) return WHOLE;
  const [, first = '', last = ''] = m;
  if (first === '' && last === '') return WHOLE;

  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return UNSATISFIABLE;
    // Satisfiable by the RFC's definition, yet a zero-length object has no byte to send in a 206.
    if (size === 0) return WHOLE;
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }

  const start = Number(first);
  const end = last === '' ? Infinity : Number(last);
  if (end < start) return WHOLE;
  if (start >= size) return UNSATISFIABLE;
  return { kind: 'partial', start, end: Math.min(end, size - 1) };
}

/** The Content-Range value of a 206 answer. */
export function contentRange(start: number, end: number, size: number): string {
  return `bytes ${start}-${end}/${size}`;
}

/** The Content-Range value of a 416 answer. */
export function unsatisfiedContentRange(size: number): string {
  return `bytes */${size}`;
}
