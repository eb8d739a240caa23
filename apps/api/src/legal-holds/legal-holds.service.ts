import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { blockingHolds, isHoldActive, legalHoldFacts, type HoldTarget, type LegalHoldDetail, type LegalHoldFact } from '@soar2/privacy';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import type { AppAbility } from '../authz/ability';
import { AuditService } from '../audit/audit.service';
import { ValidationFailedException } from '../errors/domain.exception';
import { CreateLegalHoldDto, LegalHoldDto, ReleaseLegalHoldDto, UpdateLegalHoldDto } from './dto/legal-hold.dto';
import { LEGAL_HOLD_SCOPES, LegalHoldScopeType } from './legal-hold-scope';
import { canReadHoldDetails } from './legal-hold-visibility';
import {
  LegalHoldBlocksDeletionException,
  LegalHoldExpiryInPastException,
  LegalHoldNotFoundException,
  LegalHoldReleasedException,
  LegalHoldScopeNotFoundException,
} from './legal-holds.exception';

export const LEGAL_HOLD_LIST_RULES: ListQueryRules = {
  sortable: ['id', 'createdAt', 'expiresAt', 'releasedAt', 'scopeType'],
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'scopeType', 'scopeId', 'active', 'userId'],
};

/** The table each scope's records live in (a scope whose table is not installed has no records). */
const SCOPE_TABLES: Record<LegalHoldScopeType, { table: string; userColumn: string | null }> = {
  user: { table: 'users', userColumn: 'id' },
  ticket: { table: 'support_tickets', userColumn: 'user_id' },
  job: { table: 'generation_jobs', userColumn: 'user_id' },
};

const SORT_COLUMNS: Record<string, string> = { id: 'id', createdAt: 'created_at', expiresAt: 'expires_at', releasedAt: 'released_at', scopeType: 'scope_type' };

@Injectable()
export class LegalHoldsService {
  private readonly logger = new Logger('LegalHolds');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(q: ListQuery): Promise<ListPage<LegalHoldDto>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const f = q.filter;
    const errors: Record<string, string> = {};
    if (f.id !== undefined) {
      const ids = Array.isArray(f.id) ? f.id : [f.id];
      if (!ids.every((v) => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v))) errors.id = 'id must be a UUID or a list of UUIDs.';
      else where.push(`id = ANY($${params.push(ids)}::uuid[])`);
    }
    if (f.scopeType !== undefined) {
      if (!(LEGAL_HOLD_SCOPES as readonly unknown[]).includes(f.scopeType)) errors.scopeType = `scopeType must be one of ${LEGAL_HOLD_SCOPES.join(', ')}.`;
      else where.push(`scope_type = $${params.push(f.scopeType)}`);
    }
    if (f.scopeId !== undefined) {
      if (typeof f.scopeId !== 'string' || !/^[0-9a-f-]{36}$/i.test(f.scopeId)) errors.scopeId = 'scopeId must be a UUID.';
      else where.push(`scope_id = $${params.push(f.scopeId)}`);
    }
    if (f.userId !== undefined) {
      // Every hold on the user or on one of the user's tickets or jobs.
      if (typeof f.userId !== 'string' || !/^[0-9a-f-]{36}$/i.test(f.userId)) errors.userId = 'userId must be a UUID.';
      else where.push(`id IN (SELECT id FROM (${await this.userHoldsSql(this.dataSource.manager, `$${params.push(f.userId)}`)}) AS h)`);
    }
    if (f.active !== undefined) {
      if (typeof f.active !== 'boolean') errors.active = 'active must be true or false.';
      else where.push(f.active ? `(released_at IS NULL AND (expires_at IS NULL OR expires_at > now()))` : `(released_at IS NOT NULL OR expires_at <= now())`);
    }
    if (Object.keys(errors).length) throw new ValidationFailedException(errors);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM legal_holds ${clause}`, params);
    const rows: LegalHoldRow[] = await this.dataSource.query(
      `SELECT * FROM legal_holds ${clause} ORDER BY ${SORT_COLUMNS[q.sortField] ?? 'created_at'} ${q.sortOrder} NULLS LAST, id LIMIT ${q.take} OFFSET ${q.skip}`,
      params,
    );
    return new ListPage('legal-holds', rows.map(toDto), q.skip, total as number);
  }

  async get(id: string): Promise<LegalHoldDto> {
    return this.load(this.dataSource.manager, id);
  }

  async create(dto: CreateLegalHoldDto, actor: AuditActor & { id: string }): Promise<LegalHoldDto> {
    const expiresAt = dto.expiresAt ? new Date(dto.expiresAt) : null;
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new LegalHoldExpiryInPastException();
    return this.dataSource.transaction(async (m) => {
      await this.assertScopeExists(m, dto.scopeType, dto.scopeId);
      const [row]: LegalHoldRow[] = await m.query(
        `INSERT INTO legal_holds (scope_type, scope_id, reason, reference, requested_by, created_by, expires_at) VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING *`,
        [dto.scopeType, dto.scopeId, dto.reason, dto.reference ?? null, dto.requestedBy, actor.id, expiresAt],
      );
      const hold = toDto(row as LegalHoldRow);
      await this.audit.record(
        {
          action: 'legal_hold.create',
          actor,
          subject: { type: 'legal_hold', id: hold.id },
          details: { scopeType: hold.scopeType, scopeId: hold.scopeId, expiresAt: hold.expiresAt?.toISOString() ?? null, reference: hold.reference },
        },
        m,
      );
      this.logger.log({ holdId: hold.id, scopeType: hold.scopeType }, 'legal hold placed');
      return hold;
    });
  }

  async update(id: string, dto: UpdateLegalHoldDto, actor: AuditActor): Promise<LegalHoldDto> {
    const expiresAt = dto.expiresAt === undefined ? undefined : dto.expiresAt === null ? null : new Date(dto.expiresAt);
    if (expiresAt && expiresAt.getTime() <= Date.now()) throw new LegalHoldExpiryInPastException();
    return this.dataSource.transaction(async (m) => {
      const before = await this.load(m, id, true);
      if (before.releasedAt) throw new LegalHoldReleasedException();
      // TypeORM answers an UPDATE … RETURNING with [rows, affected].
      const [[row]]: [LegalHoldRow[], number] = await m.query(
        `UPDATE legal_holds SET reason = COALESCE($2, reason), expires_at = CASE WHEN $3::boolean THEN $4::timestamptz ELSE expires_at END WHERE id = $1 RETURNING *`,
        [id, dto.reason ?? null, expiresAt !== undefined, expiresAt ?? null],
      );
      const after = toDto(row as LegalHoldRow);
      await this.audit.record(
        {
          action: 'legal_hold.update',
          actor,
          subject: { type: 'legal_hold', id },
          details: {
            before: { expiresAt: before.expiresAt?.toISOString() ?? null, reasonChanged: false },
            after: { expiresAt: after.expiresAt?.toISOString() ?? null, reasonChanged: dto.reason !== undefined && dto.reason !== before.reason },
          },
        },
        m,
      );
      return after;
    });
  }

  async release(id: string, dto: ReleaseLegalHoldDto, actor: AuditActor & { id: string }): Promise<LegalHoldDto> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.load(m, id, true);
      if (before.releasedAt) throw new LegalHoldReleasedException();
      const [[row]]: [LegalHoldRow[], number] = await m.query(`UPDATE legal_holds SET released_at = now(), released_by = $2, release_reason = $3 WHERE id = $1 RETURNING *`, [
        id,
        actor.id,
        dto.reason,
      ]);
      await this.audit.record({ action: 'legal_hold.release', actor, subject: { type: 'legal_hold', id }, details: { scopeType: before.scopeType, scopeId: before.scopeId } }, m);
      this.logger.log({ holdId: id }, 'legal hold released');
      return toDto(row as LegalHoldRow);
    });
  }

  /** The active holds covering a record (a user hold covers all of the user's records). */
  async blocking(target: HoldTarget, manager?: EntityManager): Promise<LegalHoldDto[]> {
    const ids = [target.userId, target.ticketId, target.jobId].filter((v): v is string => !!v);
    if (ids.length === 0) return [];
    const rows: LegalHoldRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT * FROM legal_holds WHERE scope_id = ANY($1::uuid[]) AND released_at IS NULL AND (expires_at IS NULL OR expires_at > now()) ORDER BY created_at`,
      [ids],
    );
    return blockingHolds(rows.map(toDto), target, new Date());
  }

  /**
   * The active holds covering one record (its own ticket or job hold, and a hold on its user), as the
   * reader may see them: reason and expiry only for those allowed to read legal holds (one query).
   */
  async coveringRecord(target: HoldTarget, ability: AppAbility, manager?: EntityManager): Promise<Array<LegalHoldFact | LegalHoldDetail>> {
    return legalHoldFacts(await this.blocking(target, manager), canReadHoldDetails(ability));
  }

  /** Every active hold touching a user: on the account, or on one of their tickets or jobs. */
  async activeForUser(userId: string, manager?: EntityManager): Promise<LegalHoldDto[]> {
    const rows: LegalHoldRow[] = await (manager ?? this.dataSource.manager).query(
      `SELECT h.* FROM (${await this.userHoldsSql(manager ?? this.dataSource.manager, '$1')}) AS h WHERE h.released_at IS NULL AND (h.expires_at IS NULL OR h.expires_at > now()) ORDER BY h.created_at`,
      [userId],
    );
    return rows.map(toDto);
  }

  /** Throws LEGAL_HOLD_BLOCKS_DELETION when a hold covers the record; deletions call this first. */
  async assertDeletable(target: HoldTarget, manager?: EntityManager): Promise<void> {
    const [hold] = await this.blocking(target, manager);
    if (hold) throw new LegalHoldBlocksDeletionException(hold.id, hold.reason);
  }

  /** SQL selecting every hold on a user or on their tickets or jobs (modules not installed contribute nothing). */
  private async userHoldsSql(m: EntityManager, userParam: string): Promise<string> {
    const parts = [`(scope_type = 'user' AND scope_id = ${userParam}::uuid)`];
    for (const scope of ['ticket', 'job'] as const) {
      const { table, userColumn } = SCOPE_TABLES[scope];
      if (await this.tableExists(m, table)) parts.push(`(scope_type = '${scope}' AND scope_id IN (SELECT id FROM ${table} WHERE ${userColumn} = ${userParam}::uuid))`);
    }
    return `SELECT * FROM legal_holds WHERE ${parts.join(' OR ')}`;
  }

  private async tableExists(m: EntityManager, table: string): Promise<boolean> {
    const [{ exists }]: Array<{ exists: boolean }> = await m.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [`public.${table}`]);
    return exists;
  }

  private async assertScopeExists(m: EntityManager, scopeType: LegalHoldScopeType, scopeId: string): Promise<void> {
    const { table } = SCOPE_TABLES[scopeType];
    if (!(await this.tableExists(m, table))) throw new LegalHoldScopeNotFoundException(scopeType);
    const rows: unknown[] = await m.query(`SELECT 1 FROM ${table} WHERE id = $1`, [scopeId]);
    if (rows.length === 0) throw new LegalHoldScopeNotFoundException(scopeType);
  }

  private async load(m: EntityManager, id: string, lock = false): Promise<LegalHoldDto> {
    const rows: LegalHoldRow[] = await m.query(`SELECT * FROM legal_holds WHERE id = $1${lock ? ' FOR UPDATE' : ''}`, [id]);
    const row = rows[0];
    if (!row) throw new LegalHoldNotFoundException();
    return toDto(row);
  }
}

interface LegalHoldRow {
  id: string;
  scope_type: LegalHoldScopeType;
  scope_id: string;
  reason: string;
  reference: string | null;
  requested_by: string;
  created_by: string;
  created_at: Date;
  expires_at: Date | null;
  released_at: Date | null;
  released_by: string | null;
  release_reason: string | null;
}

function toDto(r: LegalHoldRow): LegalHoldDto {
  const hold = {
    id: r.id,
    scopeType: r.scope_type,
    scopeId: r.scope_id,
    reason: r.reason,
    reference: r.reference,
    requestedBy: r.requested_by,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    releasedAt: r.released_at,
    releasedBy: r.released_by,
    releaseReason: r.release_reason,
  };
  return { ...hold, active: isHoldActive(hold, new Date()) };
}

