// Archived audit-log segments (format version 1, docs/audit-log.md, decision 021): JSON Lines, one
// entry per line in sequence order, each line `{"entry":<canonical entry>,"hash":"<hex>","prevHash":"<hex>"}`
// where <canonical entry> is exactly the text the entry's hash covers (audit-chain.ts), in that
// entry's canonical format version (1, or 2 with "format":2 and "ipSealed"; decision 023). A segment
// covers a contiguous range; its first entry links to the previous segment's last hash. Pure code.
import type { AuditLinkFields, ChainBreakReason } from './audit-chain';
import { canonicalEntry, canonicalJson, linkHash } from './audit-chain';
import type { JsonValue } from './audit-entry';

/** What the segments table records about one segment. */
export interface SegmentBoundary {
  firstSequence: number;
  lastSequence: number;
  firstPrevHash: Buffer;
  lastHash: Buffer;
}

export interface SegmentProblem {
  sequence: number;
  reason: ChainBreakReason;
  detail: string;
}

/** One line of a segment file (with its newline), from the canonical entry text and the row's hashes. */
export function segmentLine(canonical: string, prevHash: Buffer, hash: Buffer): string {
  return `{"entry":${canonical},"hash":"${hash.toString('hex')}","prevHash":"${prevHash.toString('hex')}"}\n`;
}

/** The storage key of the segment covering first..last. */
export function segmentStorageKey(firstSequence: number, lastSequence: number): string {
  return `audit-archive/segment-${String(firstSequence).padStart(12, '0')}-${String(lastSequence).padStart(12, '0')}.jsonl`;
}

interface LineEntry {
  action: string;
  actorId: string | null;
  actorRole: string | null;
  actorType: string;
  details: JsonValue;
  /** Present (2) in canonical format 2 only. */
  format?: number;
  id: string;
  ip: string | null;
  /** Canonical format 2 only. */
  ipSealed?: string | null;
  occurredAt: string;
  requestId: string | null;
  sequence: number;
  subjectId: string | null;
  subjectType: string | null;
}

interface Line {
  entry: LineEntry;
  hash: string;
  prevHash: string;
}

/**
 * Checks a segment's lines one by one (constant memory): each must be the next sequence number,
 * name the previous entry's hash, and hash to what it says; `end()` then checks the count and the
 * last hash against the segments table.
 */
export class SegmentLineChecker {
  private expected: number;
  private prevHash: Buffer;

  constructor(private readonly segment: SegmentBoundary) {
    this.expected = segment.firstSequence;
    this.prevHash = segment.firstPrevHash;
  }

  /** The first problem of this line, if any; stop reading after one. */
  next(text: string): SegmentProblem | undefined {
    const sequence = this.expected;
    let line: Line;
    try {
      line = JSON.parse(text) as Line;
    } catch {
      return { sequence, reason: 'segment_mismatch', detail: `The archived line for entry ${sequence} is not readable JSON.` };
    }
    const e = line?.entry;
    if (!e || typeof e !== 'object' || typeof line.hash !== 'string' || typeof line.prevHash !== 'string') {
      return { sequence, reason: 'segment_mismatch', detail: `The archived line for entry ${sequence} is not in segment format 1.` };
    }
    if (e.sequence !== sequence) {
      return { sequence, reason: 'sequence_gap', detail: `The archive holds entry ${String(e.sequence)} where entry ${sequence} was expected.` };
    }
    if (line.prevHash !== this.prevHash.toString('hex')) {
      return { sequence, reason: 'prev_hash_mismatch', detail: `Archived entry ${sequence} does not point to the hash of the entry before it.` };
    }
    let hash: Buffer;
    try {
      hash = linkHash(this.prevHash, linkFields(e));
    } catch {
      return { sequence, reason: 'hash_mismatch', detail: `Archived entry ${sequence} cannot be serialized canonically.` };
    }
    if (hash.toString('hex') !== line.hash) {
      return { sequence, reason: 'hash_mismatch', detail: `Archived entry ${sequence} does not match its hash: it was changed after it was written.` };
    }
    this.prevHash = hash;
    this.expected += 1;
    return undefined;
  }

  /** After the last line: the segment must end where the table says, on the hash it recorded. */
  end(): SegmentProblem | undefined {
    if (this.expected !== this.segment.lastSequence + 1) {
      return {
        sequence: this.expected,
        reason: 'sequence_gap',
        detail: `The archive file stops before entry ${this.expected}; its segment runs to entry ${this.segment.lastSequence}.`,
      };
    }
    if (!this.prevHash.equals(this.segment.lastHash)) {
      return { sequence: this.segment.lastSequence, reason: 'segment_mismatch', detail: `The archive's last entry (${this.segment.lastSequence}) does not have the hash its segment recorded.` };
    }
    return undefined;
  }
}

/** The hashed fields a line's entry stands for, in the format version the line itself names. */
function linkFields(entry: LineEntry): AuditLinkFields {
  const { details, format, ...rest } = entry;
  return { ...rest, formatVersion: format === undefined ? 1 : format, detailsJson: canonicalJson(details) };
}

/** Exposed for the spec: the canonical text a line's entry stands for. */
export function lineCanonical(entry: LineEntry): string {
  return canonicalEntry(linkFields(entry));
}
