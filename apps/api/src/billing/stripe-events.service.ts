import { Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { CreditsService, sqlRows } from '../credits/credits.service';
import { DomainException } from '../errors/domain.exception';
import { StripeEventBusyException, StripeEventFailedException, StripeEventNotFoundException } from './billing.exception';
import { BillingService, stripeId } from './billing.service';
import { PlansService } from './plans.service';
import { filterList, sqlListPage } from './sql-list';
import { StripeClient } from './stripe-client';

export const STRIPE_EVENT_OUTCOMES = ['received', 'processed', 'ignored', 'unknown_customer', 'failed'] as const;
export type StripeEventOutcome = (typeof STRIPE_EVENT_OUTCOMES)[number];

/** The event types acted upon; any other signed event is stored and acknowledged as `ignored`. */
export const HANDLED_STRIPE_EVENTS = [
  'checkout.session.completed',
  'invoice.paid',
  'invoice.payment_failed',
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'charge.refunded',
  'charge.dispute.created',
] as const;

export interface WebhookAnswer {
  received: true;
  eventId: string;
  duplicate: boolean;
  outcome: StripeEventOutcome;
}

export interface StripeEventView {
  id: string;
  type: string;
  livemode: boolean;
  objectId: string | null;
  customerId: string | null;
  userId: string | null;
  stripeCreatedAt: string;
  receivedAt: string;
  deliveries: number;
  attempts: number;
  processedAt: string | null;
  outcome: StripeEventOutcome;
  detail: string | null;
  flagged: boolean;
}

interface EventRow {
  id: string;
  type: string;
  livemode: boolean;
  object_id: string | null;
  customer_id: string | null;
  user_id: string | null;
  stripe_created_at: Date;
  received_at: Date;
  deliveries: number;
  attempts: number;
  processed_at: Date | null;
  outcome: StripeEventOutcome;
  detail: string | null;
  flagged: boolean;
}

interface Handled {
  outcome: StripeEventOutcome;
  detail: string;
  userId?: string | null;
  flagged?: boolean;
}

const COLUMNS = 'id, type, livemode, object_id, customer_id, user_id, stripe_created_at, received_at, deliveries, attempts, processed_at, outcome, detail, flagged';
/** A claim older than this is taken as abandoned by a crashed process. */
const CLAIM_TIMEOUT = '5 minutes';

export const STRIPE_EVENT_LIST_RULES: ListQueryRules = {
  sortable: ['receivedAt', 'type', 'outcome', 'processedAt'],
  defaultSort: ['receivedAt', 'DESC'],
  filterable: ['id', 'type', 'outcome', 'flagged', 'userId'],
};

function toView(r: EventRow): StripeEventView {
  return {
    id: r.id,
    type: r.type,
    livemode: r.livemode,
    objectId: r.object_id,
    customerId: r.customer_id,
    userId: r.user_id,
    stripeCreatedAt: r.stripe_created_at.toISOString(),
    receivedAt: r.received_at.toISOString(),
    deliveries: r.deliveries,
    attempts: r.attempts,
    processedAt: r.processed_at ? r.processed_at.toISOString() : null,
    outcome: r.outcome,
    detail: r.detail,
    flagged: r.flagged,
  };
}

/**
 * Stripe webhooks: the signature is checked over the raw body, every event id is stored (never the
 * payload), each is processed once (a claim on its row), and handlers re-read the object from Stripe
 * so that the order events arrive in does not matter. Credit effects are keyed (e.g.
 * `stripe:invoice:<id>`), so even a re-processed event grants once.
 */
@Injectable()
export class StripeEventsService {
  private readonly logger = new Logger('StripeEvents');

  constructor(
    private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly billing: BillingService,
    private readonly plans: PlansService,
    private readonly credits: CreditsService,
    private readonly audit: AuditService,
  ) {}

  async receive(rawBody: Buffer | undefined, signature: string | undefined): Promise<WebhookAnswer> {
    const event = this.stripe.constructEvent(rawBody, signature);
    const object = event.data.object as unknown as { id?: string; customer?: string | { id: string } | null };
    const [row] = await sqlRows<{ inserted: boolean; processed_at: Date | null; outcome: StripeEventOutcome }>(
      this.dataSource.manager,
      `INSERT INTO stripe_events (id, type, livemode, object_id, customer_id, stripe_created_at) VALUES ($1, $2, $3, $4, $5, to_timestamp($6))
       ON CONFLICT (id) DO UPDATE SET deliveries = stripe_events.deliveries + 1
       RETURNING (xmax = 0) AS inserted, processed_at, outcome`,
      [event.id, event.type, event.livemode, typeof object.id === 'string' ? object.id : null, stripeId(object.customer ?? null), event.created],
    );
    if (row && !row.inserted && row.processed_at) return { received: true, eventId: event.id, duplicate: true, outcome: row.outcome };
    return this.process(event.id, false);
  }

  /** Re-runs an event's handler (admins, from the console); its credit effects stay idempotent. */
  async reprocess(eventId: string, actor: AuditActor): Promise<StripeEventView> {
    const [row] = await sqlRows<EventRow>(this.dataSource.manager, `SELECT ${COLUMNS} FROM stripe_events WHERE id = $1`, [eventId]);
    if (!row) throw new StripeEventNotFoundException();
    let outcome: StripeEventOutcome;
    try {
      outcome = (await this.process(eventId, true)).outcome;
    } catch (error) {
      if (!(error instanceof StripeEventFailedException)) throw error;
      outcome = 'failed';
    }
    await this.audit.record({ action: 'stripe_event.reprocess', actor, subject: { type: 'stripe_event', id: eventId }, details: { type: row.type, previousOutcome: row.outcome, outcome } });
    return this.get(eventId);
  }

  async get(eventId: string): Promise<StripeEventView> {
    const [row] = await sqlRows<EventRow>(this.dataSource.manager, `SELECT ${COLUMNS} FROM stripe_events WHERE id = $1`, [eventId]);
    if (!row) throw new StripeEventNotFoundException();
    return toView(row);
  }

  async list(q: ListQuery): Promise<ListPage<StripeEventView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: number) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(params.length));
    };
    const ids = filterList(q.filter.id);
    if (ids) add((n) => `id = ANY($${n})`, ids);
    const types = filterList(q.filter.type);
    if (types) add((n) => `type = ANY($${n})`, types);
    const outcomes = filterList(q.filter.outcome);
    if (outcomes) add((n) => `outcome = ANY($${n})`, outcomes);
    if (typeof q.filter.flagged === 'boolean') add((n) => `flagged = $${n}`, q.filter.flagged);
    const users = filterList(q.filter.userId);
    if (users) add((n) => `user_id::text = ANY($${n})`, users);
    return sqlListPage(this.dataSource.manager, q, {
      resource: 'stripe-events',
      from: 'FROM stripe_events',
      columns: COLUMNS,
      where,
      params,
      sort: { receivedAt: 'received_at', type: 'type', outcome: 'outcome', processedAt: 'processed_at' },
      tieBreak: 'id',
      map: toView,
    });
  }

  private async process(eventId: string, force: boolean): Promise<WebhookAnswer> {
    const [claimed] = await sqlRows<EventRow>(
      this.dataSource.manager,
      `UPDATE stripe_events SET attempts = attempts + 1, processing_started_at = now()
        WHERE id = $1 AND ($2 OR processed_at IS NULL) AND (processing_started_at IS NULL OR processing_started_at < now() - interval '${CLAIM_TIMEOUT}')
        RETURNING ${COLUMNS}`,
      [eventId, force],
    );
    if (!claimed) {
      const current = await this.get(eventId);
      if (current.processedAt) return { received: true, eventId, duplicate: true, outcome: current.outcome };
      throw new StripeEventBusyException(eventId);
    }
    let handled: Handled;
    try {
      handled = await this.handle(claimed);
    } catch (error) {
      const detail = error instanceof DomainException ? `${error.code}: ${error.message}` : 'Unexpected error while processing (see the server log).';
      await sqlRows(this.dataSource.manager, `UPDATE stripe_events SET outcome = 'failed', detail = $2, processing_started_at = NULL, processed_at = NULL WHERE id = $1`, [eventId, detail]);
      if (error instanceof DomainException) this.logger.warn({ eventId, type: claimed.type, errorCode: error.code }, 'Stripe event processing failed');
      else this.logger.error({ eventId, type: claimed.type, err: error }, 'Stripe event processing failed');
      throw new StripeEventFailedException(eventId);
    }
    await sqlRows(
      this.dataSource.manager,
      `UPDATE stripe_events SET outcome = $2, detail = $3, flagged = flagged OR $4, user_id = coalesce($5::uuid, user_id), processed_at = now(), processing_started_at = NULL WHERE id = $1`,
      [eventId, handled.outcome, handled.detail.slice(0, 1000), handled.flagged ?? false, handled.userId ?? null],
    );
    if (handled.flagged) this.logger.warn({ eventId, type: claimed.type, outcome: handled.outcome }, 'Stripe event flagged for support');
    return { received: true, eventId, duplicate: false, outcome: handled.outcome };
  }

  private async handle(e: EventRow): Promise<Handled> {
    const id = e.object_id ?? '';
    switch (e.type) {
      case 'checkout.session.completed':
        return this.checkoutCompleted(id);
      case 'customer.subscription.created':
      case 'customer.subscription.updated':
      case 'customer.subscription.deleted': {
        const synced = await this.billing.syncSubscription(id);
        if (!synced) return unknownCustomer();
        return { outcome: 'processed', detail: `Subscription is ${synced.status}.`, userId: synced.userId };
      }
      case 'invoice.paid':
        return this.invoicePaid(id);
      case 'invoice.payment_failed':
        return this.invoicePaymentFailed(id);
      case 'charge.refunded': {
        const charge = await this.stripe.call((s) => s.charges.retrieve(id));
        return this.clawBack(charge, `stripe:charge:${charge.id}:refunded:${charge.amount_refunded}`, charge.amount_refunded, 'Charge refunded', false);
      }
      case 'charge.dispute.created': {
        const dispute = await this.stripe.call((s) => s.disputes.retrieve(id));
        const charge = await this.stripe.call((s) => s.charges.retrieve(stripeId(dispute.charge) ?? ''));
        return this.clawBack(charge, `stripe:dispute:${dispute.id}`, charge.amount, `Charge disputed (${dispute.reason})`, true);
      }
      default:
        return { outcome: 'ignored', detail: 'Event type not handled.' };
    }
  }

  private async checkoutCompleted(sessionId: string): Promise<Handled> {
    const session = await this.stripe.call((s) => s.checkout.sessions.retrieve(sessionId));
    const customerId = stripeId(session.customer);
    const userId = session.client_reference_id ?? session.metadata?.userId ?? (await this.billing.userOfCustomer(customerId));
    if (!userId || !customerId) return unknownCustomer();
    await this.billing.linkCustomer(userId, customerId);
    const linked = await this.billing.userOfCustomer(customerId);
    if (!linked) return unknownCustomer();
    const subscriptionId = stripeId(session.subscription);
    if (subscriptionId) await this.billing.syncSubscription(subscriptionId, linked);
    return { outcome: 'processed', detail: subscriptionId ? 'Customer linked; subscription stored.' : 'Customer linked.', userId: linked };
  }

  private async invoicePaid(invoiceId: string): Promise<Handled> {
    const invoice = await this.stripe.call((s) => s.invoices.retrieve(invoiceId, { expand: ['payments'] }));
    if (invoice.status !== 'paid') return { outcome: 'ignored', detail: `The invoice is ${invoice.status ?? 'without status'} at Stripe, not paid.` };
    const userId = await this.billing.userOfCustomer(stripeId(invoice.customer));
    if (!userId) return unknownCustomer();
    const subscriptionId = stripeId(invoice.parent?.subscription_details?.subscription ?? null);
    const synced = subscriptionId ? await this.billing.syncSubscription(subscriptionId) : null;
    const line = invoice.lines.data[0];
    const priceId = stripeId(line?.pricing?.price_details?.price ?? null);
    const plan = (priceId ? await this.plans.byPriceId(priceId) : undefined) ?? (synced?.planId ? await this.plans.get(synced.planId) : undefined);
    if (!plan) return { outcome: 'ignored', detail: `No plan has the invoice's price ${priceId ?? '(none)'}; no credits granted.`, userId, flagged: true };
    const periodEnd = line?.period?.end ? new Date(line.period.end * 1000) : synced?.currentPeriodEnd ?? null;
    const periodStart = line?.period?.start ? new Date(line.period.start * 1000) : null;
    const paymentIntent = stripeId(invoice.payments?.data.find((p) => p.payment.payment_intent)?.payment.payment_intent ?? null);
    await this.dataSource.transaction(async (m) => {
      const grant = await this.credits.grant(
        {
          userId,
          amount: plan.monthly_credits,
          kind: 'grant',
          idempotencyKey: `stripe:invoice:${invoice.id}`,
          reason: `Monthly allowance of ${plan.name}`,
          referenceType: 'stripe.invoice',
          referenceId: invoice.id,
          expiresAt: periodEnd,
          actor: { type: 'system', id: 'stripe' },
        },
        m,
      );
      await sqlRows(
        m,
        `INSERT INTO stripe_invoices (invoice_id, user_id, stripe_subscription_id, plan_id, payment_intent_id, amount_paid, currency, credits, credit_entry_id, period_start, period_end)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (invoice_id) DO NOTHING`,
        [invoice.id, userId, subscriptionId, plan.id, paymentIntent, invoice.amount_paid, invoice.currency, plan.monthly_credits, grant.entryId, periodStart, periodEnd],
      );
    });
    return { outcome: 'processed', detail: `Granted ${plan.monthly_credits} credits (${plan.name}).`, userId };
  }

  private async invoicePaymentFailed(invoiceId: string): Promise<Handled> {
    const invoice = await this.stripe.call((s) => s.invoices.retrieve(invoiceId));
    const userId = await this.billing.userOfCustomer(stripeId(invoice.customer));
    if (!userId) return unknownCustomer();
    const subscriptionId = stripeId(invoice.parent?.subscription_details?.subscription ?? null);
    const synced = subscriptionId ? await this.billing.syncSubscription(subscriptionId) : null;
    return { outcome: 'processed', detail: `Payment failed; subscription is ${synced?.status ?? 'unknown'}. Stripe retries and emails the customer.`, userId };
  }

  /**
   * Takes back the credits a refunded or disputed payment bought, in proportion to the amount refunded
   * (all of them for a dispute), minus what earlier refunds of the same invoice already took back.
   */
  private async clawBack(charge: Stripe.Charge, key: string, amountReversed: number, why: string, dispute: boolean): Promise<Handled> {
    const userId = await this.billing.userOfCustomer(stripeId(charge.customer));
    if (!userId) return unknownCustomer();
    const paymentIntent = stripeId(charge.payment_intent);
    const [invoice] = await sqlRows<{ invoice_id: string; credits: number; amount_paid: string }>(
      this.dataSource.manager,
      `SELECT invoice_id, credits, amount_paid FROM stripe_invoices WHERE payment_intent_id = $1 AND user_id = $2`,
      [paymentIntent, userId],
    );
    if (!invoice) return { outcome: 'ignored', detail: `${why}, but no credits were granted for this payment (yet); check it by hand.`, userId, flagged: true };
    const paid = Number(invoice.amount_paid);
    const due = paid > 0 ? Math.min(invoice.credits, Math.ceil((invoice.credits * amountReversed) / paid)) : invoice.credits;
    const [taken] = await sqlRows<{ total: string }>(
      this.dataSource.manager,
      `SELECT coalesce(-sum(amount), 0)::text AS total FROM credit_entries WHERE kind = 'clawback' AND reference_type = 'stripe.invoice' AND reference_id = $1`,
      [invoice.invoice_id],
    );
    const amount = due - Number(taken?.total ?? 0);
    if (amount <= 0) return { outcome: 'processed', detail: `${why}; the credits were already taken back.`, userId, flagged: dispute };
    const result = await this.dataSource.transaction(async (m) => {
      const r = await this.credits.clawback({ userId, amount, idempotencyKey: key, reason: why, referenceType: 'stripe.invoice', referenceId: invoice.invoice_id }, m);
      if (dispute && !r.flagged) await this.credits.flag(m, userId, `${why}: ${amount} credits taken back.`);
      return r;
    });
    return {
      outcome: 'processed',
      detail: `${why}: ${amount} credits taken back${result.available < 0 ? `; the account is at ${result.available} available credits and flagged for support` : ''}.`,
      userId,
      flagged: dispute || result.flagged,
    };
  }
}

function unknownCustomer(): Handled {
  return { outcome: 'unknown_customer', detail: 'The Stripe customer belongs to no user here; stored and flagged for support.', flagged: true };
}
