// Links prepared entries into the hash chain and writes them. Appends serialize on the row of
// audit_chain_head: locked from the append until the surrounding transaction ends, so the chain is
// linear and sequence numbers have no gaps (a rolled-back append takes its head update with it).
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { linkHash } from './audit-chain';
import type { PreparedAuditEntry } from './audit-entry';

/** What an append returns: where the entry landed in the chain. */
export interface AppendedAuditEntry {
  id: string;
  sequence: number;
  /** hex */
  hash: string;
}

interface Head {
  sequence: number;
  hash: Buffer;
}

interface Linked {
  /** Query parameters: the 16 column arrays, then the new head's sequence and hash (hex). */
  params: unknown[];
  appended: AppendedAuditEntry[];
  head: Head;
}

interface Waiting {
  entry: PreparedAuditEntry;
  resolve: (appended: AppendedAuditEntry) => void;
  reject: (err: unknown) => void;
}

/** Largest group of standalone entries written in one transaction. */
export const MAX_GROUP_SIZE = 1000;

const INSERT_ROWS = `
  INSERT INTO audit_log (id, sequence, occurred_at, actor_type, actor_id, actor_role, action,
                         subject_type, subject_id, request_id, ip, details, prev_hash, hash, format_version, ip_sealed)
  SELECT id, seq, at, actor_type, actor_id, actor_role, action, subject_type, subject_id, request_id, ip,
         details::json, decode(prev_hash, 'hex'), decode(hash, 'hex'), format_version, decode(ip_sealed, 'base64')
    FROM unnest($1::uuid[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
                $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[],
                $15::smallint[], $16::text[])
         AS t(id, seq, at, actor_type, actor_id, actor_role, action, subject_type, subject_id, request_id, ip,
              details, prev_hash, hash, format_version, ip_sealed)`;

/** Under the lock already taken: insert the rows and move the head, in one round trip. */
const INSERT_AND_MOVE_HEAD = `
  WITH inserted AS (${INSERT_ROWS} RETURNING 1)
  UPDATE audit_chain_head SET last_sequence = $17, last_hash = decode($18, 'hex') WHERE id = 1`;

/**
 * Without a lock taken beforehand: move the head only if it is still where this process last left
 * it (compare-and-swap under the row lock the UPDATE takes), and insert the rows only if it moved.
 * One statement, one round trip, its own implicit transaction.
 */
const INSERT_IF_HEAD_UNCHANGED = `
  WITH moved AS (
    UPDATE audit_chain_head SET last_sequence = $17, last_hash = decode($18, 'hex')
     WHERE id = 1 AND last_sequence = $19 AND last_hash = decode($20, 'hex')
    RETURNING 1
  )
  ${INSERT_ROWS}
   WHERE EXISTS (SELECT 1 FROM moved)
  RETURNING 1`;

/** Computes sequence numbers and hashes for `entries` placed after `head`. */
function link(head: Head, entries: PreparedAuditEntry[]): Linked {
  let sequence = head.sequence;
  let prev = head.hash;
  const columns: Array<Array<string | number | null>> = Array.from({ length: 16 }, () => []);
  const appended: AppendedAuditEntry[] = [];
  for (const e of entries) {
    sequence += 1;
    const hash = linkHash(prev, { ...e, sequence });
    const row = [e.id, sequence, e.occurredAt, e.actorType, e.actorId, e.actorRole, e.action, e.subjectType, e.subjectId, e.requestId, e.ip, e.detailsJson, prev.toString('hex'), hash.toString('hex'), e.formatVersion, e.ipSealed];
    row.forEach((value, i) => columns[i]?.push(value));
    appended.push({ id: e.id, sequence, hash: hash.toString('hex') });
    prev = hash;
  }
  return { params: [...columns, sequence, prev.toString('hex')], appended, head: { sequence, hash: prev } };
}

@Injectable()
export class AuditAppender implements OnModuleDestroy {
  private readonly logger = new Logger(AuditAppender.name);
  private readonly waiting: Waiting[] = [];
  private draining: Promise<void> | undefined;
  /** The head as this process's last standalone group left it; other writers may have moved it since. */
  private knownHead: Head | undefined;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends entries inside the caller's open transaction. Takes the chain lock, which is held until
   * that transaction commits or rolls back: call this as the last statement before the commit.
   */
  async appendInTransaction(manager: EntityManager, entries: PreparedAuditEntry[]): Promise<AppendedAuditEntry[]> {
    return (await this.appendLocked(manager, entries)).appended;
  }

  /**
   * Appends one entry in a transaction of its own and resolves once it is committed. Entries that
   * arrive while a commit is in flight are written together in the next transaction (group commit):
   * one lock and one WAL flush for the whole group instead of one per entry.
   */
  appendAlone(entry: PreparedAuditEntry): Promise<AppendedAuditEntry> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ entry, resolve, reject });
      if (!this.draining) this.draining = this.drain();
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      // No await between the emptiness check and the finally block: an entry pushed after the
      // check always finds `draining` cleared and starts a new drain.
      while (this.waiting.length > 0) await this.commitGroup(this.waiting.splice(0, MAX_GROUP_SIZE));
    } finally {
      this.draining = undefined;
    }
  }

  private async commitGroup(group: Waiting[]): Promise<void> {
    const entries = group.map((w) => w.entry);
    try {
      const linked = (await this.appendIfHeadUnchanged(entries)) ?? (await this.dataSource.transaction((m) => this.appendLocked(m, entries)));
      this.knownHead = linked.head;
      group.forEach((w, i) => w.resolve(linked.appended[i] as AppendedAuditEntry));
    } catch (err) {
      this.knownHead = undefined;
      if (group.length === 1) {
        group[0]?.reject(err);
        return;
      }
      // One entry the database refuses must not take the others down with it.
      this.logger.warn({ err, size: group.length }, 'a group of audit entries failed; writing them one by one');
      for (const w of group) await this.commitGroup([w]);
    }
  }

  /**
   * The fast path while this process is the only one appending: one statement instead of begin,
   * lock, insert and commit, so the chain is held for one round trip plus the WAL flush. Answers
   * undefined when another writer moved the head; the caller then takes the lock.
   */
  private async appendIfHeadUnchanged(entries: PreparedAuditEntry[]): Promise<Linked | undefined> {
    const known = this.knownHead;
    if (!known) return undefined;
    const linked = link(known, entries);
    const inserted = (await this.dataSource.query(INSERT_IF_HEAD_UNCHANGED, [...linked.params, known.sequence, known.hash.toString('hex')])) as unknown[];
    return inserted.length === entries.length ? linked : undefined;
  }

  private async appendLocked(manager: EntityManager, entries: PreparedAuditEntry[]): Promise<Linked> {
    const rows = (await manager.query('SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE')) as Array<{
      last_sequence: string;
      last_hash: Buffer;
    }>;
    const row = rows[0];
    if (!row) throw new Error('The audit chain head row is missing: the audit migration has not run.');
    const linked = link({ sequence: Number(row.last_sequence), hash: row.last_hash }, entries);
    await manager.query(INSERT_AND_MOVE_HEAD, linked.params);
    return linked;
  }
}
