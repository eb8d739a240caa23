import { Injectable } from '@nestjs/common';
import { CONSENT_SOURCES, ConsentSource } from '@soar2/privacy';
import { DataSource } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { NotFoundDomainException, ValidationFailedException } from '../errors/domain.exception';
import { CONSENT_COLUMNS, ConsentRecordView, ConsentRow, ConsentService, ConsentState } from './consent.service';

export const CONSENT_LIST_RULES: ListQueryRules = {
  sortable: ['recordedAt', 'purpose', 'source'],
  defaultSort: ['recordedAt', 'DESC'],
  filterable: ['id', 'userId', 'purpose', 'source', 'granted'],
};

const SORT_COLUMNS: Record<string, string> = { recordedAt: 'recorded_at', purpose: 'purpose', source: 'source' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface AdminConsentInput {
  userId?: unknown;
  purpose?: unknown;
  granted?: unknown;
  note?: unknown;
}

/** The console's view of the ledger (privacy officers): lists, a user's timeline and state, entries recorded for a user. */
@Injectable()
export class ConsentsAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    private readonly audit: AuditService,
  ) {}

  /** Entries are personal data: the read is recorded (`consent.list`) with what was asked for. */
  async list(q: ListQuery, reader: AuditActor): Promise<ListPage<ConsentRecordView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const errors: Record<string, string> = {};
    const f = q.filter;
    const ids = f.id === undefined ? undefined : Array.isArray(f.id) ? f.id : [f.id];
    if (ids) {
      if (!ids.every((i) => typeof i === 'string' && UUID.test(i))) errors['filter.id'] = 'The id filter takes consent record ids.';
      else where.push(`id = ANY($${params.push(ids)}::uuid[])`);
    }
    if (f.userId !== undefined) {
      if (typeof f.userId !== 'string' || !UUID.test(f.userId)) errors['filter.userId'] = 'The userId filter takes a user id.';
      else where.push(`user_id = $${params.push(f.userId)}`);
    }
    if (f.purpose !== undefined) {
      if (typeof f.purpose !== 'string' || !this.consent.purposes.includes(f.purpose)) errors['filter.purpose'] = `The purpose filter takes ${this.consent.purposes.join(', ')}.`;
      else where.push(`purpose = $${params.push(f.purpose)}`);
    }
    if (f.source !== undefined) {
      if (typeof f.source !== 'string' || !(CONSENT_SOURCES as readonly string[]).includes(f.source)) errors['filter.source'] = `The source filter takes ${CONSENT_SOURCES.join(', ')}.`;
      else where.push(`source = $${params.push(f.source as ConsentSource)}`);
    }
    if (f.granted !== undefined) {
      if (typeof f.granted !== 'boolean') errors['filter.granted'] = 'The granted filter takes true or false.';
      else where.push(`granted = $${params.push(f.granted)}`);
    }
    if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = `${SORT_COLUMNS[q.sortField] ?? 'recorded_at'} ${q.sortOrder}, id ${q.sortOrder}`;
    return this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `SELECT ${CONSENT_COLUMNS} FROM consent_records ${clause} ORDER BY ${order} OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
        [...params, q.skip, q.take],
      )) as ConsentRow[];
      const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM consent_records ${clause}`, params)) as [{ n: number }];
      await this.audit.record(
        { action: 'consent.list', actor: reader, subject: typeof f.userId === 'string' ? { type: 'user', id: f.userId } : null, details: { returned: rows.length, filter: Object.keys(f).sort() } },
        m,
      );
      return new ListPage('consents', await this.consent.views(rows), q.skip, n);
    });
  }

  async get(id: string, reader: AuditActor): Promise<ConsentRecordView> {
    return this.dataSource.transaction(async (m) => {
      const rows = (await m.query(
        `SELECT ${CONSENT_COLUMNS} FROM consent_records WHERE id = $1`,
        [id],
      )) as ConsentRow[];
      const row = rows[0];
      if (!row) throw new NotFoundDomainException('The consent record', 'CONSENT_RECORD_NOT_FOUND');
      await this.audit.record({ action: 'consent.read', actor: reader, subject: { type: 'user', id: row.user_id }, details: { consentRecordId: id } }, m);
      const [view] = await this.consent.views([row]);
      return view!;
    });
  }

  /** A user's current state and GPC status (the console's user page). */
  async state(userId: string, reader: AuditActor): Promise<ConsentState> {
    return this.dataSource.transaction(async (m) => {
      const state = await this.consent.current(userId, m);
      await this.audit.record({ action: 'consent.read', actor: reader, subject: { type: 'user', id: userId }, details: { view: 'state' } }, m);
      return state;
    });
  }

  /** A grant or withdrawal received by staff (phone, letter): source `admin`, the staff member as actor. */
  async create(input: AdminConsentInput, actor: AuditActor): Promise<ConsentRecordView> {
    const errors: Record<string, string> = {};
    if (typeof input.userId !== 'string' || !UUID.test(input.userId)) errors.userId = 'The user id must be a UUID.';
    if (typeof input.purpose !== 'string') errors.purpose = `The purpose must be one of ${this.consent.purposes.join(', ')}.`;
    if (typeof input.granted !== 'boolean') errors.granted = 'Granted must be true or false.';
    if (input.note !== undefined && (typeof input.note !== 'string' || input.note.length > 200)) errors.note = 'The note must be text of at most 200 characters.';
    if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
    const userId = input.userId as string;
    const exists = (await this.dataSource.query(`SELECT 1 FROM users WHERE id = $1`, [userId])) as unknown[];
    if (exists.length === 0) throw new ValidationFailedException({ userId: 'No user has this id.' });
    const record = await this.consent.record({
      userId,
      purpose: input.purpose as string,
      granted: input.granted as boolean,
      source: 'admin',
      actor,
      reference: typeof input.note === 'string' ? input.note : null,
      onlyIfChanged: false,
    });
    if (!record) throw new Error('an admin consent entry is always written');
    return record;
  }
}
