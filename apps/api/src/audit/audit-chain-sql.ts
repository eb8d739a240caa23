// The link hash of audit-chain.ts (format versions 1 and 2, chosen by each row's format_version)
// computed by PostgreSQL, so that the chain is verified where the rows are: sha256() over each row, no rows shipped to Node. PostgreSQL's
// to_json(text) escapes exactly as JSON.stringify does for the strings an entry may hold (quote,
// backslash, \b \f \n \r \t, other control characters as lower-case \u00xx); a test holds the
// two implementations to the same bytes.

const str = (column: string): string => `coalesce(to_json(${column})::text, 'null')`;
// Columns whose CHECK constraints admit no character JSON would escape are quoted directly, which
// spares a to_json() call per column and row (verification measurably faster on a million rows).
const plain = (column: string): string => `coalesce('"' || ${column} || '"', 'null')`;

// Standard base64 without the line breaks PostgreSQL's encode() inserts every 76 characters, as Node writes it.
const base64 = (column: string): string => `coalesce('"' || translate(encode(${column}, 'base64'), E'\\n', '') || '"', 'null')`;

/** The keys up to `details`, shared by every format version. */
const HEAD = [
  `'{"action":"' || a.action`,
  `'","actorId":' || ${str('a.actor_id')}`,
  `',"actorRole":' || ${str('a.actor_role')}`,
  `',"actorType":"' || a.actor_type`,
  `'","details":' || a.details::text`,
];
/** The keys after `ip` (and `ipSealed`), shared by every format version. */
const TAIL = [
  `',"occurredAt":"' || to_char(a.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  `'","requestId":' || ${str('a.request_id')}`,
  `',"sequence":' || a.sequence::text`,
  `',"subjectId":' || ${str('a.subject_id')}`,
  `',"subjectType":' || ${plain('a.subject_type')} || '}'`,
];
const V1 = [...HEAD, `',"id":"' || a.id::text`, `'","ip":' || ${plain('a.ip')}`, ...TAIL].join('\n  || ');
const V2 = [...HEAD, `',"format":2,"id":"' || a.id::text`, `'","ip":' || ${plain('a.ip')}`, `',"ipSealed":' || ${base64('a.ip_sealed')}`, ...TAIL].join('\n  || ');

/**
 * SQL text expression: the canonical entry of the audit_log row aliased `a`, in the row's format
 * version (an unknown version yields NULL, so its hash never matches).
 */
export const CANONICAL_ENTRY_SQL = `CASE a.format_version WHEN 1 THEN ${V1}\n  WHEN 2 THEN ${V2} END`;

/**
 * The first broken link among entries $1..$2 (sequence numbers, inclusive), or no row. $3 and $4
 * anchor the live table: the last archived sequence number (0 when nothing is archived) and the
 * hash the first live entry must link to (the last archived hash, or 32 zero bytes). The window
 * starts at the last entry stored before $1, so a range also checks its link to the range before
 * and a gap is measured from the entry that really precedes it. PostgreSQL streams the range in
 * sequence order and stops at the first suspect: constant memory, whatever the size of the log.
 */
export const VERIFY_RANGE_SQL = `
  SELECT sequence, previous_sequence AS "previousSequence", contiguous, linked, intact
    FROM (
      SELECT a.sequence,
             lag(a.sequence) OVER w AS previous_sequence,
             coalesce(lag(a.sequence) OVER w = a.sequence - 1, a.sequence = $3::bigint + 1) AS contiguous,
             a.prev_hash = coalesce(lag(a.hash) OVER w, $4::bytea) AS linked,
             coalesce(sha256(a.prev_hash || convert_to(${CANONICAL_ENTRY_SQL}, 'UTF8')) = a.hash, false) AS intact
        FROM audit_log a
       WHERE a.sequence <= $2
         AND a.sequence >= coalesce((SELECT max(b.sequence) FROM audit_log b WHERE b.sequence < $1), $1)
      WINDOW w AS (ORDER BY a.sequence)
    ) links
   WHERE sequence >= $1 AND NOT (contiguous AND linked AND intact)
   ORDER BY sequence
   LIMIT 1`;
