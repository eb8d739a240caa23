import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { sqlRows } from '../credits/credits.service';
import { BillingNotConfiguredException, NoBillingAccountException, PlanNotPurchasableException } from './billing.exception';
import { PlansService } from './plans.service';
import { StripeClient, isStripeMissing } from './stripe-client';

export interface CheckoutResult {
  url: string;
  sessionId: string;
}

export interface SyncedSubscription {
  id: string;
  userId: string | null;
  planId: string | null;
  status: string;
  currentPeriodEnd: Date | null;
}

/** The Stripe id of an expandable field. */
export function stripeId(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

/**
 * Checkout, Customer Portal, customers and subscriptions. Card data never reaches us: Stripe hosts
 * both pages and we keep only Stripe ids. Stripe errors answer 502 STRIPE_API_ERROR and leave our
 * tables untouched (a customer row is written only once Stripe created the customer).
 */
@Injectable()
export class BillingService {
  private readonly logger = new Logger('Billing');

  constructor(
    private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly plans: PlansService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async checkout(userId: string, planId: string, idempotencyKey?: string): Promise<CheckoutResult> {
    if (!this.stripe.configured) throw new BillingNotConfiguredException();
    const plan = await this.plans.get(planId);
    if (!plan.active || !plan.stripe_price_id) throw new PlanNotPurchasableException();
    const customerId = await this.ensureCustomer(userId);
    const key = `checkout:${userId}:${plan.id}:${idempotencyKey ?? randomUUID()}`;
    const session = await this.stripe.call((s) =>
      s.checkout.sessions.create(
        {
          mode: 'subscription',
          customer: customerId,
          client_reference_id: userId,
          line_items: [{ price: plan.stripe_price_id ?? '', quantity: 1 }],
          success_url: this.config.stripe.successUrl,
          cancel_url: this.config.stripe.cancelUrl,
          metadata: { userId, planId: plan.id },
          subscription_data: { metadata: { userId, planId: plan.id } },
        },
        { idempotencyKey: key },
      ),
    );
    if (!session.url) throw new PlanNotPurchasableException();
    return { url: session.url, sessionId: session.id };
  }

  async portal(userId: string): Promise<{ url: string }> {
    if (!this.stripe.configured) throw new BillingNotConfiguredException();
    const customerId = await this.customerOf(userId);
    if (!customerId) throw new NoBillingAccountException();
    const session = await this.stripe.call((s) => s.billingPortal.sessions.create({ customer: customerId, return_url: this.config.stripe.portalReturnUrl }));
    return { url: session.url };
  }

  async customerOf(userId: string, manager?: EntityManager): Promise<string | null> {
    const [row] = await sqlRows<{ customer_id: string }>(manager ?? this.dataSource.manager, `SELECT customer_id FROM stripe_customers WHERE user_id = $1`, [userId]);
    return row?.customer_id ?? null;
  }

  async userOfCustomer(customerId: string | null, manager?: EntityManager): Promise<string | null> {
    if (!customerId) return null;
    const [row] = await sqlRows<{ user_id: string }>(manager ?? this.dataSource.manager, `SELECT user_id FROM stripe_customers WHERE customer_id = $1`, [customerId]);
    return row?.user_id ?? null;
  }

  /** Links a Stripe customer to a user (from a completed checkout); an existing link is kept. */
  async linkCustomer(userId: string, customerId: string, manager?: EntityManager): Promise<void> {
    await sqlRows(manager ?? this.dataSource.manager, `INSERT INTO stripe_customers (user_id, customer_id) SELECT $1, $2 WHERE EXISTS (SELECT 1 FROM users WHERE id = $1) ON CONFLICT DO NOTHING`, [
      userId,
      customerId,
    ]);
  }

  /**
   * Deletes the user's Stripe customer through the API (which also cancels its subscriptions) and our
   * link to it. Idempotent: no customer, or one already gone at Stripe, is fine. Returns whether Stripe
   * was reached. Used by erasure (the `billing.stripe` personal-data source).
   */
  async deleteCustomer(userId: string): Promise<{ customerId: string | null; stripeReached: boolean }> {
    const customerId = await this.customerOf(userId);
    if (!customerId) return { customerId: null, stripeReached: false };
    try {
      await this.stripe.call((s) => s.customers.del(customerId));
    } catch (error) {
      if (!isStripeMissing(error)) throw error;
    }
    await sqlRows(this.dataSource.manager, `DELETE FROM stripe_customers WHERE user_id = $1`, [userId]);
    this.logger.log({ userId }, 'Stripe customer deleted');
    return { customerId, stripeReached: true };
  }

  /**
   * Re-reads a subscription from Stripe and stores its current state, whatever order the events came
   * in: the stored row is always Stripe's latest answer. Returns null when the customer is unknown.
   */
  async syncSubscription(subscriptionId: string, hintUserId?: string | null): Promise<SyncedSubscription | null> {
    const sub = await this.stripe.call((s) => s.subscriptions.retrieve(subscriptionId));
    return this.storeSubscription(sub, hintUserId);
  }

  async storeSubscription(sub: Stripe.Subscription, hintUserId?: string | null): Promise<SyncedSubscription | null> {
    const customerId = stripeId(sub.customer);
    let userId = await this.userOfCustomer(customerId);
    const metaUser = hintUserId ?? sub.metadata?.userId ?? null;
    if (!userId && metaUser && customerId) {
      await this.linkCustomer(metaUser, customerId);
      userId = await this.userOfCustomer(customerId);
    }
    if (!userId) return null;
    const item = sub.items.data[0];
    const priceId = item?.price.id ?? null;
    const plan = priceId ? await this.plans.byPriceId(priceId) : undefined;
    const toDate = (t: number | null | undefined): Date | null => (t ? new Date(t * 1000) : null);
    const [row] = await sqlRows<{ id: string }>(
      this.dataSource.manager,
      `INSERT INTO subscriptions (user_id, plan_id, stripe_subscription_id, stripe_customer_id, stripe_price_id, status, current_period_start, current_period_end, cancel_at_period_end, canceled_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (stripe_subscription_id) DO UPDATE SET user_id = EXCLUDED.user_id, plan_id = EXCLUDED.plan_id, stripe_price_id = EXCLUDED.stripe_price_id,
         status = EXCLUDED.status, current_period_start = EXCLUDED.current_period_start, current_period_end = EXCLUDED.current_period_end,
         cancel_at_period_end = EXCLUDED.cancel_at_period_end, canceled_at = EXCLUDED.canceled_at, updated_at = now()
       RETURNING id`,
      [
        userId,
        plan?.id ?? null,
        sub.id,
        customerId,
        priceId,
        sub.status,
        toDate(item?.current_period_start),
        toDate(item?.current_period_end),
        sub.cancel_at_period_end,
        toDate(sub.canceled_at),
      ],
    );
    return { id: row?.id ?? '', userId, planId: plan?.id ?? null, status: sub.status, currentPeriodEnd: toDate(item?.current_period_end) };
  }

  /** The user's Stripe customer, created at Stripe first (idempotently) when there is none. */
  private async ensureCustomer(userId: string): Promise<string> {
    const existing = await this.customerOf(userId);
    if (existing) return existing;
    const [user] = await sqlRows<{ email: string }>(this.dataSource.manager, `SELECT email FROM users WHERE id = $1`, [userId]);
    const customer = await this.stripe.call((s) => s.customers.create({ email: user?.email, metadata: { userId } }, { idempotencyKey: `customer:${userId}` }));
    await this.linkCustomer(userId, customer.id);
    return (await this.customerOf(userId)) ?? customer.id;
  }
}
