import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NoticeCampaignsService } from './notice-campaigns.service';
import { SubprocessorInput, parseSubprocessorInput } from './policy-input';
import { SubprocessorNameTakenException, SubprocessorNotFoundException } from './policy.exception';

export interface SubprocessorView {
  id: string;
  name: string;
  purpose: string;
  dataCategories: string[];
  location: string;
  /** YYYY-MM-DD of the data processing agreement. */
  agreementDate: string | null;
  /** Where a rectification, erasure or restriction is notified (GDPR Art. 19); null: through the DPA channel, by an officer. */
  privacyContactEmail: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export type PublicSubprocessorView = Omit<SubprocessorView, 'privacyContactEmail'>;

export interface SubprocessorCreated extends SubprocessorView {
  noticeId: string | null;
  campaignId: string | null;
}

interface Row {
  id: string;
  name: string;
  purpose: string;
  data_categories: string[];
  location: string;
  agreement_date: string | null;
  privacy_contact_email: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `id, name, purpose, data_categories, location, to_char(agreement_date, 'YYYY-MM-DD') AS agreement_date, privacy_contact_email, created_at, updated_at`;
const SORT: Record<string, string> = { name: 'lower(name)', location: 'location', agreementDate: 'agreement_date', createdAt: 'created_at' };

export const SUBPROCESSOR_LIST_RULES: ListQueryRules = { sortable: Object.keys(SORT), defaultSort: ['name', 'ASC'], filterable: ['id', 'q'] };

function toView(r: Row): SubprocessorView {
  return { id: r.id, name: r.name, purpose: r.purpose, dataCategories: r.data_categories, location: r.location, agreementDate: r.agreement_date, privacyContactEmail: r.privacy_contact_email, createdAt: r.created_at, updatedAt: r.updated_at };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { driverError?: { code?: string } }).driverError?.code === '23505';
}

/** The sub-processor register: public list, console CRUD; adding one can announce it (notice + email campaign). */
@Injectable()
export class SubprocessorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly campaigns: NoticeCampaignsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Every sub-processor by name (access-package reports, Art. 19 recipient notices). */
  async all(manager?: EntityManager): Promise<SubprocessorView[]> {
    const rows = (await (manager ?? this.dataSource.manager).query(`SELECT ${COLUMNS} FROM subprocessors ORDER BY lower(name)`)) as Row[];
    return rows.map(toView);
  }

  /** The public register (`GET /v1/policy/subprocessors`): the contact address for Art. 19 notices stays internal. */
  async publicRegister(): Promise<PublicSubprocessorView[]> {
    return (await this.all()).map(({ privacyContactEmail: _internal, ...view }) => view);
  }

  async list(q: ListQuery): Promise<ListPage<SubprocessorView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const ids = q.filter.id === undefined ? undefined : Array.isArray(q.filter.id) ? q.filter.id : [q.filter.id];
    if (ids) where.push(`id::text = ANY($${params.push(ids.map(String))}::text[])`);
    if (typeof q.filter.q === 'string' && q.filter.q.trim()) where.push(`(name ILIKE $${params.push(`%${q.filter.q.trim()}%`)} OR purpose ILIKE $${params.length})`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM subprocessors ${clause} ORDER BY ${SORT[q.sortField] ?? 'lower(name)'} ${q.sortOrder} NULLS LAST, id OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
      [...params, q.skip, q.take],
    )) as Row[];
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM subprocessors ${clause}`, params)) as [{ n: number }];
    return new ListPage('subprocessors', rows.map(toView), q.skip, n);
  }

  async get(id: string, manager?: EntityManager): Promise<SubprocessorView> {
    const rows = (await (manager ?? this.dataSource.manager).query(`SELECT ${COLUMNS} FROM subprocessors WHERE id = $1`, [id])) as Row[];
    if (!rows[0]) throw new SubprocessorNotFoundException();
    return toView(rows[0]);
  }

  async create(body: unknown, actor: AuditActor): Promise<SubprocessorCreated> {
    const input = parseSubprocessorInput(body, false) as SubprocessorInput;
    try {
      const result = await this.dataSource.transaction(async (m) => {
        const [row] = (await m.query(`INSERT INTO subprocessors (name, purpose, data_categories, location, agreement_date, privacy_contact_email) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, [
          input.name,
          input.purpose,
          input.dataCategories,
          input.location,
          input.agreementDate ?? null,
          input.privacyContactEmail ?? null,
        ])) as Array<{ id: string }>;
        if (!row) throw new Error('sub-processor insert returned nothing');
        let noticeId: string | null = null;
        let campaignId: string | null = null;
        if (input.notify) {
          const [notice] = (await m.query(
            `INSERT INTO notices (kind, subprocessor_id, title, body, starts_at, ends_at) VALUES ('subprocessor_added', $1, $2, $3, now(), now() + make_interval(days => $4)) RETURNING id`,
            [row.id, `New sub-processor: ${input.name}`, `${input.name} (${input.location}) now helps us with: ${input.purpose}.`, this.config.policy.noticeDays],
          )) as Array<{ id: string }>;
          noticeId = notice?.id ?? null;
          if (noticeId) {
            const text = `Hello,\n\nWe have added a sub-processor that handles personal data on our behalf:\n\n${input.name} (${input.location}): ${input.purpose}\nData: ${input.dataCategories.join(', ') || 'see the register'}\n\nThe full list is at ${this.config.publicUrl}/v1/policy/subprocessors\n`;
            campaignId = await this.campaigns.create(noticeId, `New sub-processor: ${input.name}`, text, m);
          }
        }
        await this.audit.record({ action: 'subprocessor.create', actor, subject: { type: 'subprocessor', id: row.id }, details: { name: input.name, noticeId, campaignId } }, m);
        return { view: await this.get(row.id, m), noticeId, campaignId };
      });
      if (result.campaignId) await this.campaigns.start(result.campaignId);
      return { ...result.view, noticeId: result.noticeId, campaignId: result.campaignId };
    } catch (err) {
      if (isUniqueViolation(err)) throw new SubprocessorNameTakenException();
      throw err;
    }
  }

  async update(id: string, body: unknown, actor: AuditActor): Promise<SubprocessorView> {
    const input = parseSubprocessorInput(body, true);
    try {
      return await this.dataSource.transaction(async (m) => {
        const current = await this.get(id, m);
        await m.query(`UPDATE subprocessors SET name = $2, purpose = $3, data_categories = $4, location = $5, agreement_date = $6, privacy_contact_email = $7, updated_at = now() WHERE id = $1`, [
          id,
          input.name ?? current.name,
          input.purpose ?? current.purpose,
          input.dataCategories ?? current.dataCategories,
          input.location ?? current.location,
          input.agreementDate !== undefined ? input.agreementDate : current.agreementDate,
          input.privacyContactEmail !== undefined ? input.privacyContactEmail : current.privacyContactEmail,
        ]);
        await this.audit.record({ action: 'subprocessor.update', actor, subject: { type: 'subprocessor', id }, details: { fields: Object.keys(input).sort() } }, m);
        return this.get(id, m);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new SubprocessorNameTakenException();
      throw err;
    }
  }

  async remove(id: string, actor: AuditActor): Promise<SubprocessorView> {
    return this.dataSource.transaction(async (m) => {
      const current = await this.get(id, m);
      await m.query(`DELETE FROM subprocessors WHERE id = $1`, [id]);
      await this.audit.record({ action: 'subprocessor.delete', actor, subject: { type: 'subprocessor', id }, details: { name: current.name } }, m);
      return current;
    });
  }
}
