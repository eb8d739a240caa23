import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { sqlRows } from '../credits/credits.service';
import { PlanNameTakenException, PlanNotFoundException } from './billing.exception';
import type { PlanDto, PlanWriteDto } from './dto/billing.dto';
import { filterList, sqlListPage } from './sql-list';

export interface PlanRow {
  id: string;
  name: string;
  description: string | null;
  monthly_credits: number;
  stripe_price_id: string | null;
  retention_class: string;
  active: boolean;
  sort_order: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, name, description, monthly_credits, stripe_price_id, retention_class, active, sort_order, created_at, updated_at';

export const PLAN_LIST_RULES: ListQueryRules = {
  sortable: ['sortOrder', 'name', 'monthlyCredits', 'active', 'createdAt'],
  defaultSort: ['sortOrder', 'ASC'],
  filterable: ['id', 'active', 'q'],
};

export function toPlanDto(r: PlanRow): PlanDto {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    monthlyCredits: r.monthly_credits,
    stripePriceId: r.stripe_price_id,
    retentionClass: r.retention_class,
    active: r.active,
    sortOrder: r.sort_order,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** Plans: admins manage them in the console; the public API lists the active ones. */
@Injectable()
export class PlansService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async listActive(): Promise<PlanDto[]> {
    const rows = await sqlRows<PlanRow>(this.dataSource.manager, `SELECT ${COLUMNS} FROM plans WHERE active ORDER BY sort_order, monthly_credits, name`);
    return rows.map((r) => {
      const { createdAt: _c, updatedAt: _u, ...rest } = toPlanDto(r);
      return rest;
    });
  }

  async list(q: ListQuery): Promise<ListPage<PlanDto>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const ids = filterList(q.filter.id);
    if (ids) {
      params.push(ids);
      where.push(`id::text = ANY($${params.length})`);
    }
    if (typeof q.filter.active === 'boolean') {
      params.push(q.filter.active);
      where.push(`active = $${params.length}`);
    }
    if (typeof q.filter.q === 'string' && q.filter.q.trim()) {
      params.push(`%${q.filter.q.trim().replace(/[%_\\]/g, '\\$&')}%`);
      where.push(`name ILIKE $${params.length}`);
    }
    return sqlListPage(this.dataSource.manager, q, {
      resource: 'plans',
      from: 'FROM plans',
      columns: COLUMNS,
      where,
      params,
      sort: { sortOrder: 'sort_order', name: 'name', monthlyCredits: 'monthly_credits', active: 'active', createdAt: 'created_at' },
      tieBreak: 'id',
      map: toPlanDto,
    });
  }

  async get(id: string, manager?: EntityManager): Promise<PlanRow> {
    const [row] = await sqlRows<PlanRow>(manager ?? this.dataSource.manager, `SELECT ${COLUMNS} FROM plans WHERE id = $1`, [id]);
    if (!row) throw new PlanNotFoundException();
    return row;
  }

  async byPriceId(priceId: string, manager?: EntityManager): Promise<PlanRow | undefined> {
    const [row] = await sqlRows<PlanRow>(manager ?? this.dataSource.manager, `SELECT ${COLUMNS} FROM plans WHERE stripe_price_id = $1`, [priceId]);
    return row;
  }

  async create(dto: PlanWriteDto, actor: AuditActor): Promise<PlanDto> {
    return this.write(actor, async (m) => {
      const [row] = await sqlRows<PlanRow>(
        m,
        `INSERT INTO plans (name, description, monthly_credits, stripe_price_id, retention_class, active, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [dto.name, dto.description ?? null, dto.monthlyCredits, dto.stripePriceId ?? null, dto.retentionClass ?? 'standard', dto.active ?? true, dto.sortOrder ?? 0],
      );
      return { row: row as PlanRow, action: 'plan.create' };
    });
  }

  async update(id: string, dto: PlanWriteDto, actor: AuditActor): Promise<PlanDto> {
    return this.write(actor, async (m) => {
      const before = await this.get(id, m);
      const [row] = await sqlRows<PlanRow>(
        m,
        `UPDATE plans SET name = $2, description = $3, monthly_credits = $4, stripe_price_id = $5, retention_class = $6, active = $7, sort_order = $8, updated_at = now()
          WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          dto.name,
          dto.description === undefined ? before.description : dto.description,
          dto.monthlyCredits,
          dto.stripePriceId === undefined ? before.stripe_price_id : dto.stripePriceId,
          dto.retentionClass ?? before.retention_class,
          dto.active ?? before.active,
          dto.sortOrder ?? before.sort_order,
        ],
      );
      return { row: row as PlanRow, action: 'plan.update' };
    });
  }

  /** Plans are deactivated, not deleted, once anyone subscribed; an unused plan is deleted. */
  async remove(id: string, actor: AuditActor): Promise<PlanDto> {
    return this.write(actor, async (m) => {
      const plan = await this.get(id, m);
      const [used] = await sqlRows<{ n: number }>(m, `SELECT (SELECT count(*) FROM subscriptions WHERE plan_id = $1) + (SELECT count(*) FROM stripe_invoices WHERE plan_id = $1) AS n`, [id]);
      if (Number(used?.n ?? 0) > 0) {
        const [row] = await sqlRows<PlanRow>(m, `UPDATE plans SET active = false, updated_at = now() WHERE id = $1 RETURNING ${COLUMNS}`, [id]);
        return { row: row as PlanRow, action: 'plan.deactivate' };
      }
      await sqlRows(m, `DELETE FROM plans WHERE id = $1`, [id]);
      return { row: plan, action: 'plan.delete' };
    });
  }

  private async write(actor: AuditActor, work: (m: EntityManager) => Promise<{ row: PlanRow; action: string }>): Promise<PlanDto> {
    try {
      return await this.dataSource.transaction(async (m) => {
        const { row, action } = await work(m);
        await this.audit.record(
          { action, actor, subject: { type: 'plan', id: row.id }, details: { name: row.name, monthlyCredits: row.monthly_credits, active: row.active, stripePriceId: row.stripe_price_id } },
          m,
        );
        return toPlanDto(row);
      });
    } catch (error) {
      if (error instanceof Error && (error as { code?: string }).code === '23505') throw new PlanNameTakenException();
      throw error;
    }
  }
}
