// The audit log's hash chain: the canonical serialization of an entry, the link hash, and the
// verdicts of a verification. Pure code (node:crypto only), so the format is pinned down by unit
// specs; audit-chain-sql.ts computes the same hash inside PostgreSQL to verify the chain.
//
// Canonical entry, format version 1 (documented in docs/audit-log.md; never change it in place —
// a new format needs a new version and a verifier that knows both):
//   - a JSON object with exactly these keys, in this (sorted) order:
//       action, actorId, actorRole, actorType, details, id, ip, occurredAt, requestId, sequence,
//       subjectId, subjectType
//   - absent values are written as null; no whitespace anywhere;
//   - strings are escaped as JSON.stringify escapes them (RFC 8785 / ECMAScript rules);
//   - occurredAt is ISO 8601 UTC with milliseconds (`2026-11-27T10:00:00.000Z`);
//   - sequence is a JSON integer (1 for the first entry, then +1 with no gaps);
//   - details is canonical JSON (RFC 8785, JCS): object keys sorted by UTF-16 code units,
//     numbers in ECMAScript shortest form, no whitespace; it is stored as that exact text (a json
//     column, which keeps text verbatim), so the hash can be recomputed from the stored row alone.
//
// Canonical entry, format version 2 (decision 023): the same rules, with two more keys:
//       action, actorId, actorRole, actorType, details, format, id, ip, ipSealed, occurredAt,
//       requestId, sequence, subjectId, subjectType
//   - format is the JSON integer 2, so the version an entry was written in is itself hashed;
//   - ipSealed is the client address sealed with the end user's data key, as standard base64 with
//     padding and no line breaks, or null (ip is then the clear address or null; never both set).
// Each row stores its version (audit_log.format_version); verification dispatches on it. Version 1
// entries written before version 2 existed stay as they are and still verify.
//
// hash = SHA-256(prev_hash ‖ UTF-8(canonical entry)), where prev_hash is the previous entry's hash
// (32 raw bytes), or GENESIS_HASH (32 zero bytes) for sequence 1.
import { createHash } from 'node:crypto';
import type { JsonValue, PreparedAuditEntry } from './audit-entry';

export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The canonical formats a verifier knows; new entries are written in the last one. */
export const AUDIT_FORMAT_VERSIONS = [1, 2] as const;
export type AuditFormatVersion = (typeof AUDIT_FORMAT_VERSIONS)[number];
export const CURRENT_AUDIT_FORMAT: AuditFormatVersion = 2;

/** The fields an entry's hash covers, besides the previous hash: a prepared entry plus its place in the chain. */
export interface AuditLinkFields extends Omit<PreparedAuditEntry, 'actorType' | 'formatVersion' | 'ipSealed'> {
  /** A plain string here: verification reads it back from the database. */
  actorType: string;
  sequence: number;
  /** The canonical format the entry was written in; 1 when absent (entries and archives from before version 2). */
  formatVersion?: number;
  /** Version 2 only: the sealed client address, base64. */
  ipSealed?: string | null;
}

/** RFC 8785 (JCS) serialization of a JSON value. */
export function canonicalJson(value: JsonValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError('Canonical JSON cannot hold a non-finite number.');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    default:
      break;
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  // Default sort compares UTF-16 code units, which is exactly what RFC 8785 prescribes.
  const keys = Object.keys(value).sort();
  let out = '{';
  for (let i = 0; i < keys.length; i += 1) {
    const key = keys[i] as string;
    out += `${i === 0 ? '' : ','}${JSON.stringify(key)}:${canonicalJson(value[key] as JsonValue)}`;
  }
  return `${out}}`;
}

function str(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** The canonical entry in the entry's own format version: the exact text that is hashed. */
export function canonicalEntry(e: AuditLinkFields): string {
  const version = e.formatVersion ?? 1;
  if (version === 1) {
    if (e.ipSealed !== undefined && e.ipSealed !== null) throw new TypeError('A format 1 audit entry cannot hold a sealed address.');
    return canonicalEntryV1(e);
  }
  if (version === 2) return canonicalEntryV2(e);
  throw new TypeError(`Unknown audit entry format version ${String(version)}.`);
}

/** Format version 1 (entries written before decision 023). */
function canonicalEntryV1(e: AuditLinkFields): string {
  return (
    `{"action":${str(e.action)},"actorId":${str(e.actorId)},"actorRole":${str(e.actorRole)},"actorType":${str(e.actorType)}` +
    `,"details":${e.detailsJson},"id":${str(e.id)},"ip":${str(e.ip)},"occurredAt":${str(e.occurredAt)}` +
    `,"requestId":${str(e.requestId)},"sequence":${e.sequence},"subjectId":${str(e.subjectId)},"subjectType":${str(e.subjectType)}}`
  );
}

/** Format version 2: version 1 plus `format` and `ipSealed`. */
function canonicalEntryV2(e: AuditLinkFields): string {
  const sealed = e.ipSealed ?? null;
  if (sealed !== null && e.ip !== null) throw new TypeError('An audit entry holds either a clear or a sealed address, not both.');
  return (
    `{"action":${str(e.action)},"actorId":${str(e.actorId)},"actorRole":${str(e.actorRole)},"actorType":${str(e.actorType)}` +
    `,"details":${e.detailsJson},"format":2,"id":${str(e.id)},"ip":${str(e.ip)},"ipSealed":${str(sealed)},"occurredAt":${str(e.occurredAt)}` +
    `,"requestId":${str(e.requestId)},"sequence":${e.sequence},"subjectId":${str(e.subjectId)},"subjectType":${str(e.subjectType)}}`
  );
}

/** hash = SHA-256(prev_hash ‖ UTF-8(canonical entry)). */
export function linkHash(prevHash: Buffer, fields: AuditLinkFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry(fields), 'utf8').digest();
}

export type ChainBreakReason = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch' | 'segment_mismatch';

/** What a verification found in the archive (audit_log_segments and their files). */
export interface ArchiveVerification {
  /** Segments recorded. */
  segments: number;
  /** Entries read back from segment files and found intact. */
  entriesInFiles: number;
  /** Segments whose file was purged after the retention period: only their boundary hashes remain. */
  filesPurged: number;
}

export interface ChainVerification {
  valid: boolean;
  /** Entries found intact, in order, before the first break (all of them when valid). */
  checked: number;
  firstBrokenSequence?: number;
  reason?: ChainBreakReason;
  /** A sentence for people. */
  detail?: string;
  /** The archived part of the chain, when there is one. */
  archive?: ArchiveVerification;
}

/** Where the chain ends according to its head row (moved in the same transaction as each append). */
export interface ChainHead {
  lastSequence: number;
  lastHash: Buffer;
}

/**
 * The first stored entry whose link the database found broken, with what was wrong: it does not
 * follow the entry stored before it (entries missing), its prev_hash is not that entry's hash (the
 * chain was cut or re-hashed there), or its hash does not match its content (it was edited).
 */
export interface SuspectLink {
  sequence: number;
  /** Sequence of the entry stored just before it; null when there is none. */
  previousSequence: number | null;
  contiguous: boolean;
  linked: boolean;
  intact: boolean;
}

function broken(reason: ChainBreakReason, firstBrokenSequence: number, detail: string): ChainVerification {
  return { valid: false, checked: firstBrokenSequence - 1, firstBrokenSequence, reason, detail };
}

function missing(from: number, to: number, where: string): string {
  return from === to ? `Entry ${from} is missing${where}.` : `Entries ${from}–${to} are missing${where}.`;
}

/** The verdict for the first suspect link: a gap is reported at its first missing sequence number. */
export function describeBreak(link: SuspectLink): ChainVerification {
  if (!link.contiguous) {
    const first = (link.previousSequence ?? 0) + 1;
    return broken('sequence_gap', first, missing(first, link.sequence - 1, ` before entry ${link.sequence}`));
  }
  if (!link.linked) {
    return broken('prev_hash_mismatch', link.sequence, `Entry ${link.sequence} does not point to the hash of the entry before it: the chain was cut or re-hashed there.`);
  }
  return broken('hash_mismatch', link.sequence, `Entry ${link.sequence} does not match its hash: it was changed after it was written.`);
}

/**
 * The verdict once every stored link up to the head has been found intact: the last stored entry
 * must be the one the head names, or entries were removed from (or rewritten at) the end.
 */
export function verdictAtEnd(head: ChainHead, last: { sequence: number; hash: Buffer } | undefined): ChainVerification {
  const lastSequence = last?.sequence ?? 0;
  if (head.lastSequence > lastSequence) {
    return broken('sequence_gap', lastSequence + 1, missing(lastSequence + 1, head.lastSequence, ' from the end of the log'));
  }
  if (!head.lastHash.equals(last?.hash ?? GENESIS_HASH)) {
    return { ...broken('head_mismatch', lastSequence, `The chain head does not match entry ${lastSequence}: the end of the log was rewritten.`), checked: lastSequence };
  }
  return { valid: true, checked: lastSequence };
}
