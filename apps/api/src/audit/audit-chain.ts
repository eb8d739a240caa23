// The audit log's hash chain: the canonical serialization of an entry, the link hash, and a
// streaming verifier. Pure code (node:crypto only), so the format is pinned down by unit specs.
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
//     numbers in ECMAScript shortest form, no whitespace.
// hash = SHA-256(prev_hash ‖ UTF-8(canonical entry)), where prev_hash is the previous entry's hash
// (32 raw bytes), or GENESIS_HASH (32 zero bytes) for sequence 1.
import { createHash } from 'node:crypto';
import type { JsonValue } from './audit-entry';

export const GENESIS_HASH: Buffer = Buffer.alloc(32);

/** The fields an entry's hash covers, besides the previous hash. */
export interface AuditLinkFields {
  id: string;
  sequence: number;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  requestId: string | null;
  ip: string | null;
  /** The details as canonical JSON. */
  detailsJson: string;
}

/** An entry as stored: its fields plus the two hashes. */
export interface StoredAuditLink extends AuditLinkFields {
  prevHash: Buffer;
  hash: Buffer;
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

/** Canonical JSON text of a stored details value (as read back from jsonb). */
export function canonicalDetails(jsonText: string): string {
  return jsonText === '{}' ? jsonText : canonicalJson(JSON.parse(jsonText) as JsonValue);
}

function str(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** The canonical entry (format version 1): the exact text that is hashed. */
export function canonicalEntry(e: AuditLinkFields): string {
  return (
    `{"action":${str(e.action)},"actorId":${str(e.actorId)},"actorRole":${str(e.actorRole)},"actorType":${str(e.actorType)}` +
    `,"details":${e.detailsJson},"id":${str(e.id)},"ip":${str(e.ip)},"occurredAt":${str(e.occurredAt)}` +
    `,"requestId":${str(e.requestId)},"sequence":${e.sequence},"subjectId":${str(e.subjectId)},"subjectType":${str(e.subjectType)}}`
  );
}

/** hash = SHA-256(prev_hash ‖ UTF-8(canonical entry)). */
export function linkHash(prevHash: Buffer, fields: AuditLinkFields): Buffer {
  return createHash('sha256').update(prevHash).update(canonicalEntry(fields), 'utf8').digest();
}

export type ChainBreakReason = 'sequence_gap' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';

export interface ChainVerification {
  valid: boolean;
  /** Entries found intact, in order, before the first break (all of them when valid). */
  checked: number;
  firstBrokenSequence?: number;
  reason?: ChainBreakReason;
  /** A sentence for people. */
  detail?: string;
}

/** Where the chain ends according to its head row (written in the same transaction as each append). */
export interface ChainHead {
  lastSequence: number;
  lastHash: Buffer;
}

/**
 * Checks entries one at a time, in sequence order, keeping only the previous link in memory, and
 * remembers the first broken link: a missing sequence number (deleted entries), a prev_hash that
 * is not the previous entry's hash (entries removed, reordered or re-hashed), or a hash that does
 * not match the entry's content (the entry was edited).
 */
export class ChainVerifier {
  private expectedSequence = 1;
  private previousHash: Buffer = GENESIS_HASH;
  private checkedCount = 0;
  private failure: ChainVerification | undefined;

  /** Feeds the next stored entry; returns false once the chain is known to be broken. */
  push(link: StoredAuditLink): boolean {
    if (this.failure) return false;
    const seq = link.sequence;
    if (seq !== this.expectedSequence) {
      const missingTo = seq - 1;
      return this.fail(
        'sequence_gap',
        this.expectedSequence,
        seq > this.expectedSequence
          ? `Entries ${this.expectedSequence}${missingTo > this.expectedSequence ? `–${missingTo}` : ''} are missing: the entry after ${this.expectedSequence - 1} has sequence ${seq}.`
          : `Entry ${seq} appears out of order after ${this.expectedSequence - 1}.`,
      );
    }
    if (!link.prevHash.equals(this.previousHash)) {
      return this.fail('prev_hash_mismatch', seq, `Entry ${seq} does not point to the hash of the entry before it: the chain was cut or re-hashed there.`);
    }
    if (!linkHash(link.prevHash, link).equals(link.hash)) {
      return this.fail('hash_mismatch', seq, `Entry ${seq} does not match its hash: it was changed after it was written.`);
    }
    this.previousHash = link.hash;
    this.expectedSequence = seq + 1;
    this.checkedCount += 1;
    return true;
  }

  /** The verdict after the last entry up to `head` has been fed. */
  finish(head: ChainHead): ChainVerification {
    if (this.failure) return this.failure;
    const last = this.expectedSequence - 1;
    if (head.lastSequence > last) {
      return this.failWith('sequence_gap', last + 1, `Entries ${last + 1}–${head.lastSequence} are missing from the end of the log.`);
    }
    if (head.lastSequence < last || !head.lastHash.equals(this.previousHash)) {
      return this.failWith('head_mismatch', last, `The chain head does not match entry ${last}: the end of the log was rewritten.`);
    }
    return { valid: true, checked: this.checkedCount };
  }

  private fail(reason: ChainBreakReason, sequence: number, detail: string): false {
    this.failWith(reason, sequence, detail);
    return false;
  }

  private failWith(reason: ChainBreakReason, sequence: number, detail: string): ChainVerification {
    this.failure = { valid: false, checked: this.checkedCount, firstBrokenSequence: sequence, reason, detail };
    return this.failure;
  }
}
