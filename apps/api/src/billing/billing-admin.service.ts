import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { CREDIT_ENTRY_KINDS } from '../credits/credit-rules';
import { CreditEntryView, CreditSummary, CreditsService, ENTRY_COLUMNS, sqlRows, toEntryView } from '../credits/credits.service';
import { ValidationFailedException } from '../errors/domain.exception';
import { SubscriptionNotFoundException } from './billing.exception';
import { filterList, sqlListPage } from './sql-list';

export interface CreditEntryAdminView extends CreditEntryView {
  /** The user's balance right after this entry (ledger order). */
  balanceAfter: number;
  heldAfter: number;
}

export interface UserCreditsView extends CreditSummary {
  id: string;
  flaggedAt: string | null;
  flagReason: string | null;
  supportAdjustmentLimit: number;
  stripeCustomerId: string | null;
}

export interface SubscriptionView {
  id: string;
  userId: string | null;
  planId: string | null;
  planName: string | null;
  stripeSubscriptionId: string;
  stripeCustomerId: string;
  stripePriceId: string | null;
  status: string;
  currentPeriodStart: string | null;
  currentPeriodEnd: string | null;
  cancelAtPeriodEnd: boolean;
  canceledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

interface SubscriptionRow {
  id: string;
  user_id: string | null;
  plan_id: string | null;
  plan_name: string | null;
  stripe_subscription_id: string;
  stripe_customer_id: string;
  stripe_price_id: string | null;
  status: string;
  current_period_start: Date | null;
  current_period_end: Date | null;
  cancel_at_period_end: boolean;
  canceled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

export const CREDIT_ENTRY_LIST_RULES: ListQueryRules = {
  sortable: ['seq', 'createdAt', 'kind', 'amount'],
  defaultSort: ['seq', 'DESC'],
  filterable: ['id', 'userId', 'kind', 'referenceType', 'referenceId'],
};

export const SUBSCRIPTION_LIST_RULES: ListQueryRules = {
  sortable: ['updatedAt', 'createdAt', 'status', 'currentPeriodEnd'],
  defaultSort: ['updatedAt', 'DESC'],
  filterable: ['id', 'userId', 'status', 'planId'],
};

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toSubscription(r: SubscriptionRow): SubscriptionView {
  return {
    id: r.id,
    userId: r.user_id,
    planId: r.plan_id,
    planName: r.plan_name,
    stripeSubscriptionId: r.stripe_subscription_id,
    stripeCustomerId: r.stripe_customer_id,
    stripePriceId: r.stripe_price_id,
    status: r.status,
    currentPeriodStart: iso(r.current_period_start),
    currentPeriodEnd: iso(r.current_period_end),
    cancelAtPeriodEnd: r.cancel_at_period_end,
    canceledAt: iso(r.canceled_at),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The console's view of credits and subscriptions; reads of one user's billing are audited. */
@Injectable()
export class BillingAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credits: CreditsService,
    private readonly audit: AuditService,
  ) {}

  async creditEntries(q: ListQuery, reader: AuditActor): Promise<ListPage<CreditEntryAdminView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(params.length));
    };
    const errors: Record<string, string> = {};
    const ids = filterList(q.filter.id);
    if (ids) add((n) => `e.id::text = ANY($${n})`, ids);
    const users = filterList(q.filter.userId);
    if (users) {
      if (users.some((u) => !UUID_RE.test(u))) errors.userId = 'Must be a user id.';
      else add((n) => `e.user_id::text = ANY($${n})`, users);
    }
    const kinds = filterList(q.filter.kind);
    if (kinds) {
      if (kinds.some((k) => !(CREDIT_ENTRY_KINDS as readonly string[]).includes(k))) errors.kind = `Must be one of ${CREDIT_ENTRY_KINDS.join(', ')}.`;
      else add((n) => `e.kind = ANY($${n})`, kinds);
    }
    const refTypes = filterList(q.filter.referenceType);
    if (refTypes) add((n) => `e.reference_type = ANY($${n})`, refTypes);
    const refIds = filterList(q.filter.referenceId);
    if (refIds) add((n) => `e.reference_id = ANY($${n})`, refIds);
    if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
    // Running totals over each user's whole ledger, computed before the filters and the page are applied.
    const from = `FROM (SELECT ${ENTRY_COLUMNS}, sum(amount) OVER w AS balance_after, sum(held_delta) OVER w AS held_after
                   FROM credit_entries ${users && !errors.userId ? `WHERE user_id::text = ANY($${params.indexOf(users) + 1})` : ''}
                   WINDOW w AS (PARTITION BY user_id ORDER BY seq)) e`;
    const page = await sqlListPage(this.dataSource.manager, q, {
      resource: 'credit-entries',
      from,
      columns: 'e.*',
      where,
      params,
      sort: { seq: 'e.seq', createdAt: 'e.created_at', kind: 'e.kind', amount: 'e.amount' },
      tieBreak: 'e.seq',
      map: (r: Parameters<typeof toEntryView>[0] & { balance_after: string; held_after: string }) => ({
        ...toEntryView(r),
        balanceAfter: Number(r.balance_after),
        heldAfter: Number(r.held_after),
      }),
    });
    if (users && users.length === 1) {
      await this.audit.record({ action: 'credit_entry.list', actor: reader, subject: { type: 'user', id: users[0] }, details: { count: page.items.length } });
    }
    return page;
  }

  async userCredits(userId: string, reader: AuditActor): Promise<UserCreditsView> {
    const summary = await this.credits.summary(userId);
    const [flag] = await sqlRows<{ flagged_at: Date | null; flag_reason: string | null }>(this.dataSource.manager, `SELECT flagged_at, flag_reason FROM credit_balances WHERE user_id = $1`, [userId]);
    const [customer] = await sqlRows<{ customer_id: string }>(this.dataSource.manager, `SELECT customer_id FROM stripe_customers WHERE user_id = $1`, [userId]);
    await this.audit.record({ action: 'credit_balance.read', actor: reader, subject: { type: 'user', id: userId } });
    return {
      id: userId,
      ...summary,
      flaggedAt: iso(flag?.flagged_at ?? null),
      flagReason: flag?.flag_reason ?? null,
      supportAdjustmentLimit: await this.credits.supportAdjustmentLimit(),
      stripeCustomerId: customer?.customer_id ?? null,
    };
  }

  async setSupportAdjustmentLimit(limit: number, actor: AuditActor): Promise<{ supportAdjustmentLimit: number }> {
    return this.dataSource.transaction(async (m) => {
      const before = await this.credits.supportAdjustmentLimit(m);
      await sqlRows(m, `UPDATE credit_settings SET support_adjustment_limit = $1, updated_at = now(), updated_by = $2 WHERE id = 1`, [limit, actor.id ?? null]);
      await this.audit.record({ action: 'credit_settings.update', actor, subject: { type: 'credit_settings', id: '1' }, details: { supportAdjustmentLimit: limit, previous: before } }, m);
      return { supportAdjustmentLimit: limit };
    });
  }

  async subscriptions(q: ListQuery): Promise<ListPage<SubscriptionView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(params.length));
    };
    const ids = filterList(q.filter.id);
    if (ids) add((n) => `s.id::text = ANY($${n})`, ids);
    const users = filterList(q.filter.userId);
    if (users) add((n) => `s.user_id::text = ANY($${n})`, users);
    const statuses = filterList(q.filter.status);
    if (statuses) add((n) => `s.status = ANY($${n})`, statuses);
    const plans = filterList(q.filter.planId);
    if (plans) add((n) => `s.plan_id::text = ANY($${n})`, plans);
    return sqlListPage(this.dataSource.manager, q, {
      resource: 'subscriptions',
      from: 'FROM subscriptions s LEFT JOIN plans p ON p.id = s.plan_id',
      columns: 's.*, p.name AS plan_name',
      where,
      params,
      sort: { updatedAt: 's.updated_at', createdAt: 's.created_at', status: 's.status', currentPeriodEnd: 's.current_period_end' },
      tieBreak: 's.id',
      map: toSubscription,
    });
  }

  async subscription(id: string): Promise<SubscriptionView> {
    const [row] = await sqlRows<SubscriptionRow>(this.dataSource.manager, `SELECT s.*, p.name AS plan_name FROM subscriptions s LEFT JOIN plans p ON p.id = s.plan_id WHERE s.id = $1`, [id]);
    if (!row) throw new SubscriptionNotFoundException();
    return toSubscription(row);
  }
}
