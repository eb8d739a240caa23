import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { AuditService } from '../audit/audit.service';
import type { StaffPrincipal } from '../identity/auth.decorators';
import { SupportException } from './support.exception';
import type { TicketCategory } from './support-rules';
import { actorOf } from './tickets-admin.service';

export interface MacroView {
  id: string;
  title: string;
  body: string;
  category: TicketCategory | null;
  createdBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export const MACRO_LIST_RULES: ListQueryRules = { sortable: ['title', 'createdAt', 'updatedAt'], defaultSort: ['title', 'ASC'], filterable: ['id', 'category', 'q'] };

const COLUMNS = `id, title, body, category, created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`;
const SORT: Record<string, string> = { title: 'title', createdAt: 'created_at', updatedAt: 'updated_at' };

interface MacroRow extends Omit<MacroView, 'createdAt' | 'updatedAt'> {
  createdAt: Date;
  updatedAt: Date;
}

const view = (r: MacroRow): MacroView => ({ ...r, createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString() });

/** Canned replies: admins write them, agents insert them into replies. */
@Injectable()
export class MacrosService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(q: ListQuery): Promise<ListPage<MacroView>> {
    const params: unknown[] = [];
    const where: string[] = ['TRUE'];
    const f = q.filter;
    if (f.id !== undefined) {
      const ids = (Array.isArray(f.id) ? f.id : [f.id]).filter((v): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v));
      params.push(ids);
      where.push(`id = ANY($${params.length}::uuid[])`);
    }
    if (typeof f.category === 'string') {
      params.push(f.category);
      where.push(`(category = $${params.length} OR category IS NULL)`);
    }
    if (typeof f.q === 'string' && f.q.trim()) {
      params.push(`%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      where.push(`(title ILIKE $${params.length} OR body ILIKE $${params.length})`);
    }
    const sql = where.join(' AND ');
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM support_macros WHERE ${sql}`, params)) as [{ total: number }];
    const rows = (await this.dataSource.query(
      `SELECT ${COLUMNS} FROM support_macros WHERE ${sql} ORDER BY ${SORT[q.sortField] ?? 'title'} ${q.sortOrder}, id OFFSET ${q.skip} LIMIT ${q.take}`,
      params,
    )) as MacroRow[];
    return new ListPage('ticket-macros', rows.map(view), q.skip, total);
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<MacroView> {
    const [row] = (await manager.query(`SELECT ${COLUMNS} FROM support_macros WHERE id = $1`, [id])) as MacroRow[];
    if (!row) throw new SupportException('MACRO_NOT_FOUND', HttpStatus.NOT_FOUND);
    return view(row);
  }

  async create(dto: { title: string; body: string; category?: TicketCategory | null }, staff: StaffPrincipal): Promise<MacroView> {
    return this.dataSource.transaction(async (manager) => {
      await this.titleFree(dto.title, null, manager);
      const [row] = (await manager.query(`INSERT INTO support_macros (title, body, category, created_by) VALUES ($1,$2,$3,$4) RETURNING id`, [
        dto.title,
        dto.body,
        dto.category ?? null,
        staff.id,
      ])) as Array<{ id: string }>;
      const id = (row as { id: string }).id;
      await this.audit.record({ action: 'ticket_macro.create', actor: actorOf(staff), subject: { type: 'ticket_macro', id }, details: { title: dto.title } }, manager);
      return this.get(id, manager);
    });
  }

  async update(id: string, dto: { title: string; body: string; category?: TicketCategory | null }, staff: StaffPrincipal): Promise<MacroView> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.get(id, manager);
      await this.titleFree(dto.title, id, manager);
      await manager.query(`UPDATE support_macros SET title = $2, body = $3, category = $4, updated_at = now() WHERE id = $1`, [id, dto.title, dto.body, dto.category ?? null]);
      await this.audit.record(
        { action: 'ticket_macro.update', actor: actorOf(staff), subject: { type: 'ticket_macro', id }, details: { before: { title: before.title }, after: { title: dto.title } } },
        manager,
      );
      return this.get(id, manager);
    });
  }

  async remove(id: string, staff: StaffPrincipal): Promise<MacroView> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.get(id, manager);
      await manager.query(`DELETE FROM support_macros WHERE id = $1`, [id]);
      await this.audit.record({ action: 'ticket_macro.delete', actor: actorOf(staff), subject: { type: 'ticket_macro', id }, details: { title: before.title } }, manager);
      return before;
    });
  }

  private async titleFree(title: string, except: string | null, manager: EntityManager): Promise<void> {
    const rows = (await manager.query(`SELECT 1 FROM support_macros WHERE lower(title) = lower($1) AND id IS DISTINCT FROM $2`, [title, except])) as unknown[];
    if (rows.length > 0) throw new SupportException('MACRO_TITLE_TAKEN', HttpStatus.CONFLICT);
  }
}
