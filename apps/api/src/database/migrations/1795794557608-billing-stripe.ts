import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plans, Stripe customers and subscriptions, every Stripe webhook event received (each processed once),
 * the invoices that granted credits (to find what a refunded or disputed charge paid for), and the
 * allowance expiry bookkeeping. No card data: only Stripe ids (docs/billing.md).
 */
export class BillingStripe1795794557608 implements MigrationInterface {
  name = 'BillingStripe1795794557608';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        description text CHECK (length(description) <= 1000),
        monthly_credits integer NOT NULL CHECK (monthly_credits > 0),
        stripe_price_id text CHECK (stripe_price_id ~ '^price_[A-Za-z0-9_]+$'),
        retention_class text NOT NULL DEFAULT 'standard' CHECK (retention_class IN ('free','standard','extended')),
        active boolean NOT NULL DEFAULT true,
        sort_order integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX plans_stripe_price_id_key ON plans (stripe_price_id)`);
    await q.query(`CREATE UNIQUE INDEX plans_name_key ON plans (lower(name))`);

    await q.query(`
      CREATE TABLE stripe_customers (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        customer_id text NOT NULL CHECK (customer_id ~ '^cus_[A-Za-z0-9_]+$'),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX stripe_customers_customer_id_key ON stripe_customers (customer_id)`);

    await q.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        plan_id uuid REFERENCES plans(id) ON DELETE SET NULL,
        stripe_subscription_id text NOT NULL CHECK (stripe_subscription_id ~ '^sub_[A-Za-z0-9_]+$'),
        stripe_customer_id text NOT NULL,
        stripe_price_id text,
        status text NOT NULL,
        current_period_start timestamptz,
        current_period_end timestamptz,
        cancel_at_period_end boolean NOT NULL DEFAULT false,
        canceled_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX subscriptions_stripe_id_key ON subscriptions (stripe_subscription_id)`);
    await q.query(`CREATE INDEX subscriptions_user_idx ON subscriptions (user_id, updated_at)`);

    await q.query(`
      CREATE TABLE stripe_events (
        id text PRIMARY KEY CHECK (id ~ '^evt_[A-Za-z0-9_]+$'),
        type text NOT NULL,
        livemode boolean NOT NULL DEFAULT false,
        object_id text,
        customer_id text,
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        stripe_created_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        deliveries integer NOT NULL DEFAULT 1,
        attempts integer NOT NULL DEFAULT 0,
        processing_started_at timestamptz,
        processed_at timestamptz,
        outcome text NOT NULL DEFAULT 'received' CHECK (outcome IN ('received','processed','ignored','unknown_customer','failed')),
        detail text,
        flagged boolean NOT NULL DEFAULT false
      )`);
    await q.query(`COMMENT ON TABLE stripe_events IS 'Every signed webhook event received; ids only, never the payload (objects are re-read from Stripe)'`);
    await q.query(`CREATE INDEX stripe_events_received_idx ON stripe_events (received_at)`);
    await q.query(`CREATE INDEX stripe_events_flagged_idx ON stripe_events (received_at) WHERE flagged`);

    await q.query(`
      CREATE TABLE stripe_invoices (
        invoice_id text PRIMARY KEY CHECK (invoice_id ~ '^in_[A-Za-z0-9_]+$'),
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        stripe_subscription_id text,
        plan_id uuid REFERENCES plans(id) ON DELETE SET NULL,
        payment_intent_id text,
        amount_paid bigint NOT NULL,
        currency text NOT NULL,
        credits integer NOT NULL CHECK (credits >= 0),
        credit_entry_id uuid REFERENCES credit_entries(id),
        period_start timestamptz,
        period_end timestamptz,
        paid_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX stripe_invoices_payment_intent_idx ON stripe_invoices (payment_intent_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE stripe_invoices`);
    await q.query(`DROP TABLE stripe_events`);
    await q.query(`DROP TABLE subscriptions`);
    await q.query(`DROP TABLE stripe_customers`);
    await q.query(`DROP TABLE plans`);
  }
}
