import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery } from '../admin-query/list-query';
import { AppendedAuditEntry, AuditAppender } from './audit-appender';
import { ChainHead, ChainVerification, ChainVerifier, StoredAuditLink, canonicalDetails } from './audit-chain';
import { AuditActor, AuditEntryInput, prepareAuditEntry } from './audit-entry';
import { AuditLogFilter, isUnfiltered, parseAuditLogFilter } from './audit-log-query';
import { AuditLogEntity } from './audit-log.entity';
import { currentRequestMetadata } from './audit-request-context';
import { AuditEntryNotFoundException } from './audit.exception';

/** Rows read per round trip when verifying; the next batch is fetched while this one is hashed. */
export const VERIFY_BATCH_SIZE = 20_000;

interface HeadRow {
  last_sequence: string;
  last_hash: Buffer;
}

// Columns named as AuditLinkFields, the time already in canonical form, details as jsonb text.
const VERIFY_BATCH_SQL = `
  SELECT id, sequence,
         to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt",
         actor_type AS "actorType", actor_id AS "actorId", actor_role AS "actorRole", action,
         subject_type AS "subjectType", subject_id AS "subjectId", request_id AS "requestId", ip,
         details::text AS "detailsJson", prev_hash AS "prevHash", hash
    FROM audit_log
   WHERE sequence > $1 AND sequence <= $2
   ORDER BY sequence
   LIMIT $3`;

type VerifyRow = Omit<StoredAuditLink, 'sequence'> & { sequence: string | number };

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
   * in batches (constant memory), and names the first broken link. The check itself is recorded.
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

  /** The chain check alone, without recording it (benchmarks, scripts). */
  async verifyChain(batchSize = VERIFY_BATCH_SIZE): Promise<ChainVerification> {
    const head = await this.readHead();
    const verifier = new ChainVerifier();
    let after = 0;
    let next: Promise<VerifyRow[]> | undefined = this.readBatch(after, head.lastSequence, batchSize);
    while (next) {
      const rows: VerifyRow[] = await next;
      const last = rows[rows.length - 1];
      after = last ? Number(last.sequence) : head.lastSequence;
      // Fetch the next batch while this one is hashed: PostgreSQL and Node work side by side.
      next = rows.length === batchSize && after < head.lastSequence ? this.readBatch(after, head.lastSequence, batchSize) : undefined;
      for (const row of rows) {
        row.sequence = Number(row.sequence);
        row.detailsJson = canonicalDetails(row.detailsJson);
        if (!verifier.push(row as StoredAuditLink)) {
          await next?.catch(() => undefined);
          return verifier.finish(head);
        }
      }
    }
    return verifier.finish(head);
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

  private readBatch(after: number, upTo: number, limit: number): Promise<VerifyRow[]> {
    return this.dataSource.query(VERIFY_BATCH_SQL, [after, upTo, limit]) as Promise<VerifyRow[]>;
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
