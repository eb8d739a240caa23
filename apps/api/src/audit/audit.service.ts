import { createHash, createHmac } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery } from '../admin-query/list-query';
import { AppendedAuditEntry, AuditAppender } from './audit-appender';
import { StorageObjectNotFoundException } from '../storage/storage.exception';
import { StorageService } from '../storage/storage.service';
import { ArchiveVerification, ChainHead, ChainVerification, GENESIS_HASH, SuspectLink, describeBreak, verdictAtEnd } from './audit-chain';
import { VERIFY_RANGE_SQL } from './audit-chain-sql';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import { DataKeysService } from '../data-keys/data-keys.service';
import { AuditActor, AuditEntryInput, PreparedAuditEntry, auditIpContext, ipOwner, prepareAuditEntry } from './audit-entry';
import { AuditLogFilter, isUnfiltered, parseAuditLogFilter } from './audit-log-query';
import { AuditLogEntity } from './audit-log.entity';
import { currentRequestMetadata } from './audit-request-context';
import { SegmentLineChecker, SegmentProblem } from './audit-segment';
import { AuditEntryNotFoundException } from './audit.exception';

/** Entries one verification query covers; each is one short query, so progress never stalls a connection long. */
export const VERIFY_RANGE_SIZE = 100_000;
/** Ranges verified at once: one PostgreSQL backend, thus one core, each. */
export const VERIFY_PARALLELISM = 2;

interface HeadRow {
  last_sequence: string;
  last_hash: Buffer;
}

/** A row of audit_log_segments. */
export interface SegmentRow {
  id: string;
  first_sequence: string;
  last_sequence: string;
  entry_count: number;
  first_prev_hash: Buffer;
  last_hash: Buffer;
  first_occurred_at: Date;
  last_occurred_at: Date;
  storage_key: string;
  file_sha256: Buffer;
  file_bytes: string;
  created_at: Date;
  file_deleted_at: Date | null;
}

/** Where the archive ends: the live table continues from here. */
interface ArchiveEnd {
  lastSequence: number;
  lastHash: Buffer;
  summary: ArchiveVerification;
  broken?: ChainVerification;
}

interface SuspectRow extends Omit<SuspectLink, 'sequence' | 'previousSequence'> {
  sequence: string;
  previousSequence: string | null;
}

/**
 * The tamper-evident audit trail. Other modules call `record` (inside their transaction when they
 * change data); the console lists, reads and verifies the chain.
 */
@Injectable()
export class AuditService {
  private pseudonymKey: Promise<Buffer> | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly appender: AuditAppender,
    @InjectRepository(AuditLogEntity) private readonly entries: Repository<AuditLogEntity>,
    private readonly storage: StorageService,
    private readonly dataKeys: DataKeysService,
  ) {}

  /**
   * Appends an entry to the audit log.
   *
   * With `manager` inside an open transaction, the entry is written in that transaction: it commits
   * or disappears with the change it records. This takes the chain lock until that transaction ends,
   * so call it last, right before the commit, and never await a standalone `record` (without the
   * manager) while holding it. In REPEATABLE READ or SERIALIZABLE transactions a concurrent append
   * makes this fail with a serialization error, to be retried like any other.
   *
   * Without `manager` (or outside a transaction) the entry is written on its own and the promise
   * resolves once it is committed; concurrent standalone entries share one commit.
   *
   * The request id and client address default to those of the HTTP request being served. The
   * address of an end user's own action is sealed with their data key (decision 023), and left out
   * once that key is destroyed; staff, system, agent and anonymous entries keep it clear.
   */
  async record(entry: AuditEntryInput, manager?: EntityManager): Promise<AppendedAuditEntry> {
    const prepared = await this.sealIp(prepareAuditEntry(entry, currentRequestMetadata()), manager);
    if (manager?.queryRunner?.isTransactionActive) {
      const [appended] = await this.appender.appendInTransaction(manager, [prepared]);
      return appended as AppendedAuditEntry;
    }
    return this.appender.appendAlone(prepared);
  }

  /**
   * A keyed hash (HMAC-SHA256, hex) of an identifier that must not be stored in clear, such as the
   * email of a failed sign-in: equal inputs give equal pseudonyms in this installation, so attempts
   * can be correlated, but the value cannot be read back. Normalize the input first (e.g. lower-case).
   */
  async pseudonymize(value: string): Promise<string> {
    this.pseudonymKey ??= this.loadPseudonymKey();
    const key = await this.pseudonymKey;
    return createHmac('sha256', key).update(value, 'utf8').digest('hex');
  }

  /**
   * Seals an end user's address with their key, bound to the entry id (`audit_log.ip:<id>`). The key
   * is cached after its first use, so this usually costs no query; a key the user does not have yet
   * is created by DataKeysService on its own connection, outside the caller's transaction. An entry
   * about someone already erased (their key destroyed, possibly earlier in the caller's transaction)
   * keeps no address at all.
   */
  private async sealIp(entry: PreparedAuditEntry, manager?: EntityManager): Promise<PreparedAuditEntry> {
    const owner = ipOwner(entry);
    if (owner === null || entry.ip === null) return entry;
    try {
      const sealed = await this.dataKeys.seal(owner, entry.ip, auditIpContext(entry.id), manager);
      return { ...entry, ip: null, ipSealed: sealed.toString('base64') };
    } catch (err) {
      if (err instanceof DataKeyDestroyedException) return { ...entry, ip: null };
      throw err;
    }
  }

  /**
   * Opens the sealed addresses of `entries` in place (`ip`, null once the owner's key is destroyed).
   * Opening is a staff read of end users' personal data: when at least one address was opened, the
   * read is itself recorded (`audit_log.read_ip`) with the entries and users concerned.
   */
  private async openIps(entries: AuditLogEntity[], reader: AuditActor, view: 'list' | 'entry'): Promise<void> {
    const opened: AuditLogEntity[] = [];
    for (const e of entries) {
      if (e.ipSealed === null || e.actorId === null) continue;
      e.ip = await this.dataKeys.openTextOrNull(e.actorId, Buffer.from(e.ipSealed, 'base64'), auditIpContext(e.id));
      if (e.ip !== null) opened.push(e);
    }
    if (opened.length === 0) return;
    const users = [...new Set(opened.map((e) => e.actorId as string))].sort();
    await this.record({
      action: 'audit_log.read_ip',
      actor: reader,
      subject: users.length === 1 ? { type: 'user', id: users[0] } : null,
      details: { view, entryIds: opened.map((e) => e.id), userIds: users },
    });
  }

  async list(q: ListQuery, reader: AuditActor): Promise<ListPage<AuditLogEntity>> {
    const filter = parseAuditLogFilter(q.filter);
    const qb = this.entries.createQueryBuilder('a');
    if (filter.ids) qb.andWhere('a.id IN (:...ids)', { ids: filter.ids.length ? filter.ids : ['00000000-0000-0000-0000-000000000000'] });
    if (filter.actorType) qb.andWhere('a.actor_type = :actorType', { actorType: filter.actorType });
    if (filter.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.subjectType) qb.andWhere('a.subject_type = :subjectType', { subjectType: filter.subjectType });
    if (filter.subjectId) qb.andWhere('a.subject_id = :subjectId', { subjectId: filter.subjectId });
    if (filter.actions) qb.andWhere('a.action IN (:...actions)', { actions: filter.actions });
    if (filter.from) qb.andWhere('a.occurred_at >= :from', { from: filter.from });
    if (filter.to) qb.andWhere('a.occurred_at < :to', { to: filter.to });
    qb.orderBy(`a.${q.sortField}`, q.sortOrder);
    if (q.sortField !== 'sequence') qb.addOrderBy('a.sequence', q.sortOrder);
    const items = await qb.offset(q.skip).limit(q.take).getMany();
    const total = await this.total(filter, qb.getCount.bind(qb));
    await this.openIps(items, reader, 'list');
    return new ListPage('audit-log', items, q.skip, total);
  }

  async get(id: string, reader: AuditActor): Promise<AuditLogEntity> {
    const found = await this.entries.findOneBy({ id });
    if (!found) throw new AuditEntryNotFoundException();
    await this.openIps([found], reader, 'entry');
    return found;
  }

  /**
   * Recomputes the whole chain from the first entry up to the head as it was when the check began,
   * in ranges (constant memory), and names the first broken link. The check itself is recorded.
   */
  async verify(actor: AuditActor): Promise<ChainVerification> {
    const result = await this.verifyChain();
    await this.record({
      action: 'audit_log.verify',
      actor,
      details: { valid: result.valid, checked: result.checked, firstBrokenSequence: result.firstBrokenSequence, reason: result.reason },
    });
    return result;
  }

  /**
   * The chain check alone, without recording it (benchmarks, scripts). PostgreSQL recomputes every
   * hash (see audit-chain-sql.ts) over consecutive ranges of sequence numbers, a few at a time.
   */
  async verifyChain(rangeSize = VERIFY_RANGE_SIZE, parallelism = VERIFY_PARALLELISM): Promise<ChainVerification> {
    const head = await this.readHead();
    // Archived segments first (files read back, checksums and links checked), then the live table
    // anchored at the archive's last hash.
    const archive = await this.verifyArchive();
    const withArchive = (v: ChainVerification): ChainVerification => (archive.summary.segments > 0 ? { ...v, archive: archive.summary } : v);
    if (archive.broken) return withArchive(archive.broken);
    let nextStart = archive.lastSequence + 1;
    let first: SuspectLink | undefined;
    const worker = async (): Promise<void> => {
      // Ranges are claimed in order, so once a break is known no later range can hold an earlier one.
      while (nextStart <= head.lastSequence && !(first && first.sequence < nextStart)) {
        const from = nextStart;
        nextStart += rangeSize;
        const suspect = await this.firstSuspect(from, Math.min(from + rangeSize - 1, head.lastSequence), archive);
        if (suspect && (!first || suspect.sequence < first.sequence)) first = suspect;
      }
    };
    await Promise.all(Array.from({ length: parallelism }, worker));
    if (first) return withArchive(describeBreak(first));
    const last = (await this.dataSource.query('SELECT sequence, hash FROM audit_log WHERE sequence <= $1 ORDER BY sequence DESC LIMIT 1', [
      head.lastSequence,
    ])) as Array<{ sequence: string; hash: Buffer }>;
    const end = last[0] ? { sequence: Number(last[0].sequence), hash: last[0].hash } : archive.lastSequence > 0 ? { sequence: archive.lastSequence, hash: archive.lastHash } : undefined;
    return withArchive(verdictAtEnd(head, end));
  }

  /** Archived segments in order (audit_log_segments), each with the sequence range and hashes it covers. */
  async segments(): Promise<SegmentRow[]> {
    return (await this.dataSource.query('SELECT * FROM audit_log_segments ORDER BY first_sequence')) as SegmentRow[];
  }

  /**
   * Checks the archive: segments follow each other without gaps and link hash to hash; each file
   * still kept is read back, must have the recorded SHA-256, and every entry in it must link and
   * hash correctly up to the segment's recorded last hash. A purged file leaves only its row's
   * boundary hashes, which still carry the chain across.
   */
  private async verifyArchive(): Promise<ArchiveEnd> {
    const segments = await this.segments();
    const summary: ArchiveVerification = { segments: segments.length, entriesInFiles: 0, filesPurged: 0 };
    let lastSequence = 0;
    let lastHash = GENESIS_HASH;
    const broken = (p: SegmentProblem): ArchiveEnd => ({ lastSequence, lastHash, summary, broken: { valid: false, checked: p.sequence - 1, firstBrokenSequence: p.sequence, reason: p.reason, detail: p.detail } });
    for (const seg of segments) {
      const first = Number(seg.first_sequence);
      const boundary = { firstSequence: first, lastSequence: Number(seg.last_sequence), firstPrevHash: seg.first_prev_hash, lastHash: seg.last_hash };
      if (first !== lastSequence + 1) return broken({ sequence: lastSequence + 1, reason: 'sequence_gap', detail: `No archived segment covers entry ${lastSequence + 1}.` });
      if (!seg.first_prev_hash.equals(lastHash)) {
        return broken({ sequence: first, reason: 'prev_hash_mismatch', detail: `Archived segment ${first}–${boundary.lastSequence} does not link to the hash of the entry before it.` });
      }
      if (seg.file_deleted_at) summary.filesPurged += 1;
      else {
        const problem = await this.checkSegmentFile(seg, boundary);
        if (problem) return broken(problem);
        summary.entriesInFiles += seg.entry_count;
      }
      lastSequence = boundary.lastSequence;
      lastHash = seg.last_hash;
    }
    return { lastSequence, lastHash, summary };
  }

  /** Reads one segment file (streamed: constant memory) and returns its first problem, if any. */
  private async checkSegmentFile(seg: SegmentRow, boundary: { firstSequence: number; lastSequence: number; firstPrevHash: Buffer; lastHash: Buffer }): Promise<SegmentProblem | undefined> {
    const range = `${boundary.firstSequence}–${boundary.lastSequence}`;
    let stream;
    try {
      ({ stream } = await this.storage.get(seg.storage_key));
    } catch (err) {
      if (err instanceof StorageObjectNotFoundException) {
        return { sequence: boundary.firstSequence, reason: 'segment_mismatch', detail: `The archive file of entries ${range} is missing.` };
      }
      throw err;
    }
    const digest = createHash('sha256');
    stream.on('data', (chunk: Buffer) => digest.update(chunk));
    const checker = new SegmentLineChecker(boundary);
    let problem: SegmentProblem | undefined;
    for await (const text of createInterface({ input: stream, crlfDelay: Infinity })) {
      if (problem) continue; // keep reading: the checksum covers the whole file
      problem = checker.next(text);
    }
    problem ??= checker.end();
    if (!digest.digest().equals(seg.file_sha256)) {
      return {
        sequence: problem?.sequence ?? boundary.firstSequence,
        reason: 'segment_mismatch',
        detail: `The archive file of entries ${range} does not match the SHA-256 recorded when it was archived${problem ? `: ${problem.detail}` : '.'}`,
      };
    }
    return problem;
  }

  private async total(filter: AuditLogFilter, count: () => Promise<number>): Promise<number> {
    // Sequences have no gaps, so the unfiltered total is the head's sequence: no count over the log.
    if (!isUnfiltered(filter)) return count();
    // Archived entries have left the table: the live rows are those after the last segment.
    const rows = (await this.dataSource.query('SELECT coalesce(max(last_sequence), 0) AS archived FROM audit_log_segments')) as Array<{ archived: string }>;
    return (await this.readHead()).lastSequence - Number(rows[0]?.archived ?? 0);
  }

  private async readHead(): Promise<ChainHead> {
    const rows = (await this.dataSource.query('SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1')) as HeadRow[];
    const row = rows[0];
    if (!row) throw new Error('The audit chain head row is missing: the audit migration has not run.');
    return { lastSequence: Number(row.last_sequence), lastHash: row.last_hash };
  }

  private async firstSuspect(from: number, to: number, anchor: { lastSequence: number; lastHash: Buffer }): Promise<SuspectLink | undefined> {
    const rows = (await this.dataSource.query(VERIFY_RANGE_SQL, [from, to, anchor.lastSequence, anchor.lastHash])) as SuspectRow[];
    const row = rows[0];
    if (!row) return undefined;
    const previous = row.previousSequence === null ? (anchor.lastSequence > 0 ? anchor.lastSequence : null) : Number(row.previousSequence);
    return { ...row, sequence: Number(row.sequence), previousSequence: previous };
  }

  private async loadPseudonymKey(): Promise<Buffer> {
    const rows = (await this.dataSource.query('SELECT pseudonym_key FROM audit_chain_head WHERE id = 1')) as Array<{ pseudonym_key: Buffer }>;
    const key = rows[0]?.pseudonym_key;
    if (!key) {
      this.pseudonymKey = undefined;
      throw new Error('The audit chain head row is missing: the audit migration has not run.');
    }
    return key;
  }
}
