import type { DataSource } from 'typeorm';
import type { ErasureOutcome, PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';
import type { BillingService } from './billing.service';
import { sqlRows } from '../credits/credits.service';

/**
 * `billing.stripe`: the user's Stripe customer id, subscriptions and paid invoices (ids and amounts;
 * never card data, which only Stripe holds). Erasure deletes the Stripe customer through Stripe's API
 * (which cancels its subscriptions), deletes our link to it, and anonymises subscriptions and invoices,
 * which are accounting records.
 */
export function billingPersonalDataSource(dataSource: DataSource, billing: BillingService): PersonalDataSource {
  return {
    category: 'billing.stripe',
    description: 'Your Stripe customer id, subscriptions (plan, status, periods) and paid invoices (amounts, credits granted). Card details are held by Stripe only.',
    purposes: ['Providing the service (subscriptions and payments)', 'Accounting and tax records'],
    sources: ['stripe'],
    async *export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord> {
      const m = dataSource.manager;
      const customers = await sqlRows<{ customer_id: string; created_at: Date }>(m, `SELECT customer_id, created_at FROM stripe_customers WHERE user_id = $1`, [subject.userId]);
      for (const c of customers) yield { data: { record: 'stripe_customer', customerId: c.customer_id, createdAt: c.created_at.toISOString() } };
      const subs = await sqlRows<{ stripe_subscription_id: string; status: string; plan: string | null; current_period_end: Date | null; created_at: Date }>(
        m,
        `SELECT s.stripe_subscription_id, s.status, p.name AS plan, s.current_period_end, s.created_at FROM subscriptions s LEFT JOIN plans p ON p.id = s.plan_id WHERE s.user_id = $1 ORDER BY s.created_at`,
        [subject.userId],
      );
      for (const s of subs) {
        yield {
          data: {
            record: 'subscription',
            subscriptionId: s.stripe_subscription_id,
            plan: s.plan,
            status: s.status,
            currentPeriodEnd: s.current_period_end ? s.current_period_end.toISOString() : null,
            createdAt: s.created_at.toISOString(),
          },
        };
      }
      const invoices = await sqlRows<{ invoice_id: string; amount_paid: string; currency: string; credits: number; paid_at: Date }>(
        m,
        `SELECT invoice_id, amount_paid, currency, credits, paid_at FROM stripe_invoices WHERE user_id = $1 ORDER BY paid_at`,
        [subject.userId],
      );
      for (const i of invoices) {
        yield { data: { record: 'invoice', invoiceId: i.invoice_id, amountPaid: Number(i.amount_paid), currency: i.currency, credits: i.credits, paidAt: i.paid_at.toISOString() } };
      }
    },
    async erase(subject: PersonalDataSubject): Promise<ErasureOutcome> {
      const { stripeReached } = await billing.deleteCustomer(subject.userId);
      return dataSource.transaction(async (m) => {
        const subs = await sqlRows<{ id: string }>(m, `UPDATE subscriptions SET user_id = NULL, updated_at = now() WHERE user_id = $1 RETURNING id`, [subject.userId]);
        const invoices = await sqlRows<{ invoice_id: string }>(m, `UPDATE stripe_invoices SET user_id = NULL WHERE user_id = $1 RETURNING invoice_id`, [subject.userId]);
        const events = await sqlRows<{ id: string }>(m, `UPDATE stripe_events SET user_id = NULL WHERE user_id = $1 RETURNING id`, [subject.userId]);
        const anonymised = subs.length + invoices.length + events.length;
        return {
          deleted: stripeReached ? 1 : 0,
          anonymised,
          retained:
            subs.length + invoices.length > 0
              ? [{ count: subs.length + invoices.length, basis: 'Subscriptions and paid invoices (Stripe ids, amounts, periods) are accounting records kept for 7 years (tax law), without the link to the person.' }]
              : [],
          systemsReached: stripeReached ? ['stripe'] : [],
        };
      });
    },
  };
}
