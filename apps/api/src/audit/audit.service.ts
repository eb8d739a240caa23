import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery } from '../admin-query/list-query';
import { AppendedAuditEntry, AuditAppender } from './audit-appender';
import { ChainHead, ChainVerification, SuspectLink, describeBreak, verdictAtEnd } from './audit-chain';
import { VERIFY_RANGE_SQL } from './audit-chain-sql';
import { AuditActor, AuditEntryInput, prepareAuditEntry } from './audit-entry';
import { AuditLogFilter, isUnfiltered, parseAuditLogFilter } from './audit-log-query';
import { AuditLogEntity } from './audit-log.entity';
import { currentRequestMetadata } from './audit-request-context';
import { AuditEntryNotFoundException } from './audit.exception';

/** Entries one verification query covers; each is one short query, so progress never stalls a connection long. */
export const VERIFY_RANGE_SIZE = 100_000;
/** Ranges verified at once: one PostgreSQL backend, thus one core, each. */
export const VERIFY_PARALLELISM = 2;

interface HeadRow {
  last_sequence: string;
  last_hash: Buffer;
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
   * The request id and client address default to those of the HTTP request being served.
   */
  async record(entry: AuditEntryInput, manager?: EntityManager): Promise<AppendedAuditEntry> {
    const prepared = prepareAuditEntry(entry, currentRequestMetadata());
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

  async list(q: ListQuery): Promise<ListPage<AuditLogEntity>> {
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
    return new ListPage('audit-log', items, q.skip, await this.total(filter, qb.getCount.bind(qb)));
  }

  async get(id: string): Promise<AuditLogEntity> {
    const found = await this.entries.findOneBy({ id });
    if (!found) throw new AuditEntryNotFoundException();
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
    let nextStart = 1;
    let first: SuspectLink | undefined;
    const worker = async (): Promise<void> => {
      // Ranges are claimed in order, so once a break is known no later range can hold an earlier one.
      while (nextStart <= head.lastSequence && !(first && first.sequence < nextStart)) {
        const from = nextStart;
        nextStart += rangeSize;
        const suspect = await this.firstSuspect(from, Math.min(from + rangeSize - 1, head.lastSequence));
        if (suspect && (!first || suspect.sequence < first.sequence)) first = suspect;
      }
    };
    await Promise.all(Array.from({ length: parallelism }, worker));
    if (first) return describeBreak(first);
    const last = (await this.dataSource.query('SELECT sequence, hash FROM audit_log WHERE sequence <= $1 ORDER BY sequence DESC LIMIT 1', [
      head.lastSequence,
    ])) as Array<{ sequence: string; hash: Buffer }>;
    return verdictAtEnd(head, last[0] ? { sequence: Number(last[0].sequence), hash: last[0].hash } : undefined);
  }

  private async total(filter: AuditLogFilter, count: () => Promise<number>): Promise<number> {
    // Sequences have no gaps, so the unfiltered total is the head's sequence: no count over the log.
    return isUnfiltered(filter) ? (await this.readHead()).lastSequence : count();
  }

  private async readHead(): Promise<ChainHead> {
    const rows = (await this.dataSource.query('SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1')) as HeadRow[];
    const row = rows[0];
    if (!row) throw new Error('The audit chain head row is missing: the audit migration has not run.');
    return { lastSequence: Number(row.last_sequence), lastHash: row.last_hash };
  }

  private async firstSuspect(from: number, to: number): Promise<SuspectLink | undefined> {
    const rows = (await this.dataSource.query(VERIFY_RANGE_SQL, [from, to])) as SuspectRow[];
    const row = rows[0];
    if (!row) return undefined;
    return { ...row, sequence: Number(row.sequence), previousSequence: row.previousSequence === null ? null : Number(row.previousSequence) };
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
