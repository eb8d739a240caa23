// Moves old audit entries into immutable segment files and purges segment files past the retention
// period (docs/audit-log.md, decision 021). The rows leave audit_log only after their file is
// stored, read back and checked, and a segment row records its range, boundary hashes and SHA-256:
// the database trigger lets a DELETE through for such covered rows only.
import { createHash } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { StorageService } from '../storage/storage.service';
import { GENESIS_HASH } from './audit-chain';
import { CANONICAL_ENTRY_SQL } from './audit-chain-sql';
import type { AuditActor } from './audit-entry';
import { SegmentLineChecker, segmentLine, segmentStorageKey } from './audit-segment';
import { AuditService, SegmentRow } from './audit.service';

export const AUDIT_ARCHIVE_TASK = 'audit-log.archive';
const SYSTEM: AuditActor = { type: 'system', id: 'audit-archive' };
/** Rows read per query while writing a segment. */
const PAGE = 2000;

export interface ArchivedSegment {
  id: string;
  firstSequence: number;
  lastSequence: number;
  entryCount: number;
  storageKey: string;
  fileSha256: string;
}

/** Raised when the live range to archive is not an intact chain: nothing is archived or removed. */
export class AuditArchiveRefusedError extends Error {}

@Injectable()
export class AuditArchiveService implements OnModuleInit {
  private readonly logger = new Logger('AuditArchive');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    private readonly runner: ScheduledTaskRunner,
  ) {}

  onModuleInit(): void {
    // Daily at 02:47 UTC, once across replicas, on the replicas that run the retention clocks.
    if (this.config.retention.schedule) this.runner.schedule(AUDIT_ARCHIVE_TASK, '47 2 * * *', async () => void (await this.archiveDue()));
  }

  /** Archives every entry older than the hot window (AUDIT_HOT_DAYS), one segment at a time. */
  async archiveDue(now = new Date()): Promise<ArchivedSegment[]> {
    const cutoff = new Date(now.getTime() - this.config.auditArchive.hotDays * 86_400_000);
    const out: ArchivedSegment[] = [];
    for (;;) {
      const segment = await this.archiveNext(cutoff);
      if (!segment) return out;
      out.push(segment);
    }
  }

  /**
   * Archives the next range (after the last segment) of entries that occurred at or before `cutoff`,
   * at most AUDIT_SEGMENT_MAX_ENTRIES of them; undefined when there is none.
   */
  async archiveNext(cutoff: Date, maxEntries = this.config.auditArchive.segmentMaxEntries): Promise<ArchivedSegment | undefined> {
    const [last] = (await this.dataSource.query('SELECT last_sequence, last_hash FROM audit_log_segments ORDER BY last_sequence DESC LIMIT 1')) as Array<{
      last_sequence: string;
      last_hash: Buffer;
    }>;
    const first = last ? Number(last.last_sequence) + 1 : 1;
    const prevHash = last?.last_hash ?? GENESIS_HASH;
    const [bound] = (await this.dataSource.query(
      `SELECT max(sequence) AS upto FROM audit_log WHERE sequence BETWEEN $1 AND $2 AND occurred_at <= $3`,
      [first, first + maxEntries - 1, cutoff],
    )) as Array<{ upto: string | null }>;
    if (!bound?.upto) return undefined;
    const lastSequence = Number(bound.upto);
    const key = segmentStorageKey(first, lastSequence);

    // 1. Write the file, checking every link on the way (a broken chain is never archived).
    const times: { first?: Date; last?: Date } = {};
    const stored = await this.storage.put(key, Readable.from(this.lines(first, lastSequence, prevHash, times)), {
      contentType: 'application/jsonl',
      metadata: { 'first-sequence': String(first), 'last-sequence': String(lastSequence) },
    });
    // 2. Read it back and check it as verification will.
    const lastHash = await this.readBack(key, stored.sha256, first, lastSequence, prevHash);

    // 3. Record the segment, then remove the rows it covers (the trigger checks the coverage), in one transaction.
    const id = await this.dataSource.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('audit_log.archive'))`);
      const [row] = (await m.query(
        `INSERT INTO audit_log_segments (first_sequence, last_sequence, entry_count, first_prev_hash, last_hash, first_occurred_at, last_occurred_at, storage_key, file_sha256, file_bytes)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, decode($9, 'hex'), $10) RETURNING id`,
        [first, lastSequence, lastSequence - first + 1, prevHash, lastHash, times.first, times.last, key, stored.sha256, stored.size],
      )) as Array<{ id: string }>;
      const [, removed] = (await m.query('DELETE FROM audit_log WHERE sequence BETWEEN $1 AND $2', [first, lastSequence])) as [unknown, number];
      if (removed !== lastSequence - first + 1) throw new AuditArchiveRefusedError(`Expected to remove ${lastSequence - first + 1} archived entries, removed ${removed}.`);
      await this.audit.record(
        {
          action: 'audit_log.archive',
          actor: SYSTEM,
          subject: { type: 'audit_log_segment', id: row!.id },
          details: { firstSequence: first, lastSequence, entries: removed, fileSha256: stored.sha256, storageKey: key },
        },
        m,
      );
      return row!.id;
    });
    this.logger.log({ firstSequence: first, lastSequence, entries: lastSequence - first + 1 }, 'audit log segment archived');
    return { id, firstSequence: first, lastSequence, entryCount: lastSequence - first + 1, storageKey: key, fileSha256: stored.sha256 };
  }

  /** Segment files due for purge: every entry older than the cutoff, file still kept. */
  async purgeable(cutoff: Date, manager: EntityManager, limit?: number, lock = false): Promise<SegmentRow[]> {
    return (await manager.query(
      `SELECT * FROM audit_log_segments WHERE file_deleted_at IS NULL AND last_occurred_at <= $1 ORDER BY first_sequence ${limit ? `LIMIT ${Math.floor(limit)}` : ''} ${lock ? 'FOR UPDATE SKIP LOCKED' : ''}`,
      [cutoff],
    )) as SegmentRow[];
  }

  /**
   * Purges the files of up to `limit` segments past the retention period, inside the caller's
   * transaction: the row records the purge and keeps the boundary hashes, so the chain after it
   * still verifies. Audited.
   */
  async purgeFiles(cutoff: Date, limit: number, manager: EntityManager): Promise<number> {
    const due = await this.purgeable(cutoff, manager, limit, true);
    if (due.length === 0) return 0;
    await manager.query('UPDATE audit_log_segments SET file_deleted_at = now() WHERE id = ANY($1::uuid[])', [due.map((s) => s.id)]);
    await this.audit.record(
      {
        action: 'audit_log.segment_purge',
        actor: { type: 'system', id: 'retention' },
        details: { segments: due.map((s) => ({ id: s.id, firstSequence: Number(s.first_sequence), lastSequence: Number(s.last_sequence), fileSha256: s.file_sha256.toString('hex') })) },
      },
      manager,
    );
    for (const s of due) await this.storage.delete(s.storage_key);
    return due.length;
  }

  /** The segment's lines, read from audit_log page by page, each link checked before it is written. */
  private async *lines(first: number, last: number, prevHash: Buffer, times: { first?: Date; last?: Date }): AsyncGenerator<Buffer> {
    let expected = first;
    let prev = prevHash;
    while (expected <= last) {
      const rows = (await this.dataSource.query(
        `SELECT a.sequence, a.occurred_at, ${CANONICAL_ENTRY_SQL} AS canonical, a.prev_hash, a.hash
           FROM audit_log a WHERE a.sequence BETWEEN $1 AND $2 ORDER BY a.sequence`,
        [expected, Math.min(last, expected + PAGE - 1)],
      )) as Array<{ sequence: string; occurred_at: Date; canonical: string; prev_hash: Buffer; hash: Buffer }>;
      if (rows.length === 0) throw new AuditArchiveRefusedError(`Entry ${expected} is missing from audit_log: the chain is broken, nothing is archived.`);
      const chunk: string[] = [];
      for (const r of rows) {
        if (Number(r.sequence) !== expected) throw new AuditArchiveRefusedError(`Entry ${expected} is missing from audit_log: the chain is broken, nothing is archived.`);
        if (!r.prev_hash.equals(prev) || !linkHashOfCanonical(prev, r.canonical).equals(r.hash)) {
          throw new AuditArchiveRefusedError(`Entry ${expected} does not verify: the chain is broken, nothing is archived.`);
        }
        times.first ??= r.occurred_at;
        times.last = r.occurred_at;
        chunk.push(segmentLine(r.canonical, r.prev_hash, r.hash));
        prev = r.hash;
        expected += 1;
      }
      yield Buffer.from(chunk.join(''), 'utf8');
    }
  }

  private async readBack(key: string, sha256: string, first: number, last: number, prevHash: Buffer): Promise<Buffer> {
    const { stream } = await this.storage.get(key);
    const digest = createHash('sha256');
    stream.on('data', (chunk: Buffer) => digest.update(chunk));
    const checker = new SegmentLineChecker({ firstSequence: first, lastSequence: last, firstPrevHash: prevHash, lastHash: Buffer.alloc(32) });
    let lastHash: Buffer = prevHash;
    let count = 0;
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      const problem = checker.next(text);
      if (problem) {
        stream.destroy();
        throw new AuditArchiveRefusedError(`The stored segment ${first}–${last} does not read back: ${problem.detail}`);
      }
      lastHash = Buffer.from((JSON.parse(text) as { hash: string }).hash, 'hex');
      count += 1;
    }
    if (count !== last - first + 1) throw new AuditArchiveRefusedError(`The stored segment ${first}–${last} holds ${count} entries.`);
    if (digest.digest('hex') !== sha256) throw new AuditArchiveRefusedError(`The stored segment ${first}–${last} does not read back with the SHA-256 it was written with.`);
    return lastHash;
  }
}

/** hash = SHA-256(prev_hash ‖ UTF-8(canonical entry)), over the canonical text PostgreSQL built. */
function linkHashOfCanonical(prev: Buffer, canonical: string): Buffer {
  return createHash('sha256').update(prev).update(canonical, 'utf8').digest();
}
