import request from 'supertest';
import { DataSource } from 'typeorm';
import { AllowanceExpiryService } from '../src/credits/allowance-expiry.service';
import { CreditsService } from '../src/credits/credits.service';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { SeedService } from '../src/seed/seed.service';
import { StripePeer, signedEvent, stripeTestId } from './support/stripe-peer';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';
import { TestApp, startTestApp } from './support/test-app';

jest.setTimeout(120_000);

const WEBHOOK_SECRET = 'whsec_test_billing';
const PRICE = 'price_pro_monthly';
const DAY = 86_400;

interface EventRow {
  outcome: string;
  flagged: boolean;
  deliveries: number;
  attempts: number;
  detail: string | null;
}

describe('billing: plans, Stripe checkout, portal and webhooks', () => {
  let peer: StripePeer;
  let t: TestApp;
  let ds: DataSource;
  let credits: CreditsService;
  let adminToken: string;
  let agentToken: string;
  let planId: string;

  beforeAll(async () => {
    peer = await new StripePeer().start();
    t = await startTestApp({ env: { STRIPE_SECRET_KEY: 'sk_test_billing', STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET, STRIPE_API_BASE: peer.url } });
    ds = t.app.get(DataSource);
    credits = t.app.get(CreditsService);
    adminToken = await issueStaffToken(t.app, await ensureStaff(t.app, 'admin'));
    agentToken = await issueStaffToken(t.app, await ensureStaff(t.app, 'support_agent'));
    const created = await request(t.server)
      .post('/admin/plans')
      .set('Authorization', `Bearer ${adminToken}`)
      .send({ name: 'Pro', monthlyCredits: 300, stripePriceId: PRICE, retentionClass: 'extended', sortOrder: 2 })
      .expect(201);
    planId = created.body.id;
  });
  afterAll(async () => {
    await t?.close();
    await peer?.stop();
  });

  function deliver(event: { id: string; type: string; object: Record<string, unknown>; created?: number }, timestamp?: number): request.Test {
    const { payload, signature } = signedEvent(WEBHOOK_SECRET, event, timestamp);
    return request(t.server).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', signature).send(payload);
  }

  async function eventRow(id: string): Promise<EventRow | undefined> {
    const rows = (await ds.query(`SELECT outcome, flagged, deliveries, attempts, detail FROM stripe_events WHERE id = $1`, [id])) as EventRow[];
    return rows[0];
  }

  /** A subscribed user as Stripe would hold it: customer, subscription, a paid invoice and its charge. */
  async function subscribedUser(email: string, amountPaid = 1500): Promise<{ userId: string; token: string; customer: string; sub: string; invoice: string; charge: string; periodEnd: number }> {
    const u = await userWithToken(t.app, email);
    const customer = peer.put({ id: stripeTestId('cus'), object: 'customer', email: null, metadata: {} }).id;
    await ds.query(`INSERT INTO stripe_customers (user_id, customer_id) VALUES ($1, $2)`, [u.id, customer]);
    const start = Math.floor(Date.now() / 1000);
    const periodEnd = start + 30 * DAY;
    const sub = peer.put({
      id: stripeTestId('sub'),
      object: 'subscription',
      customer,
      status: 'active',
      cancel_at_period_end: false,
      canceled_at: null,
      metadata: {},
      items: { object: 'list', data: [{ id: stripeTestId('si'), object: 'subscription_item', price: { id: PRICE, object: 'price' }, current_period_start: start, current_period_end: periodEnd }] },
    }).id;
    const pi = stripeTestId('pi');
    const invoice = peer.put({
      id: stripeTestId('in'),
      object: 'invoice',
      customer,
      status: 'paid',
      amount_paid: amountPaid,
      currency: 'usd',
      parent: { type: 'subscription_details', subscription_details: { subscription: sub } },
      lines: { object: 'list', data: [{ id: stripeTestId('il'), object: 'line_item', period: { start, end: periodEnd }, pricing: { type: 'price_details', price_details: { price: PRICE } } }] },
      payments: { object: 'list', data: [{ id: stripeTestId('inpay'), object: 'invoice_payment', payment: { type: 'payment_intent', payment_intent: pi } }] },
    }).id;
    const charge = peer.put({ id: stripeTestId('ch'), object: 'charge', customer, payment_intent: pi, amount: amountPaid, amount_refunded: 0 }).id;
    return { userId: u.id, token: u.token, customer, sub, invoice, charge, periodEnd };
  }

  it('lists active plans publicly; admins manage plans, support agents cannot', async () => {
    await request(t.server).post('/admin/plans').set('Authorization', `Bearer ${adminToken}`).send({ name: 'Legacy', monthlyCredits: 10, active: false }).expect(201);
    const plans = await request(t.server).get('/v1/plans').expect(200);
    expect(plans.body.map((p: { name: string }) => p.name)).toEqual(['Pro']);
    expect(plans.body[0]).toMatchObject({ id: planId, monthlyCredits: 300, stripePriceId: PRICE, retentionClass: 'extended' });
    await request(t.server).post('/admin/plans').set('Authorization', `Bearer ${agentToken}`).send({ name: 'Cheap', monthlyCredits: 10 }).expect(403);
    const bad = await request(t.server).post('/admin/plans').set('Authorization', `Bearer ${adminToken}`).send({ name: 'Bad', monthlyCredits: -5 }).expect(422);
    expect(bad.body.errors).toHaveProperty('monthlyCredits');
    await request(t.server).post('/admin/plans').set('Authorization', `Bearer ${adminToken}`).send({ name: 'Frac', monthlyCredits: 2.5 }).expect(422);
    await request(t.server).post('/admin/plans').set('Authorization', `Bearer ${adminToken}`).send({ name: 'pro', monthlyCredits: 5 }).expect(409);
    const list = await request(t.server).get('/admin/plans').set('Authorization', `Bearer ${agentToken}`).expect(200);
    expect(list.headers['content-range']).toMatch(/^plans 0-1\/2$/);
  });

  it('checkout creates the customer once and a Checkout Session for the plan', async () => {
    const u = await userWithToken(t.app, 'checkout@soar2.test');
    const first = await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).set('Idempotency-Key', 'attempt-1').send({ planId }).expect(200);
    expect(first.body.url).toMatch(/^https:\/\/checkout\.stripe\.test\//);
    const again = await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).set('Idempotency-Key', 'attempt-1').send({ planId }).expect(200);
    expect(again.body.sessionId).toBe(first.body.sessionId);
    await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).send({ planId }).expect(200);
    const customers = peer.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers' && (r.body.metadata as Record<string, string>).userId === u.id);
    expect(customers).toHaveLength(1);
    const session = peer.requests.find((r) => r.path === '/v1/checkout/sessions' && r.body.client_reference_id === u.id);
    expect(session?.body).toMatchObject({ mode: 'subscription', client_reference_id: u.id, line_items: [{ price: PRICE, quantity: '1' }] });
    expect(session?.idempotencyKey).toBe(`checkout:${u.id}:${planId}:attempt-1`);
    await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).send({ planId: 'nope' }).expect(422);
    await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).send({ planId: '00000000-0000-4000-8000-000000000000' }).expect(404);
    const portal = await request(t.server).post('/v1/billing/portal').set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(portal.body.url).toMatch(/^https:\/\/billing\.stripe\.test\//);
  });

  it('a Stripe error during checkout answers 502 with a code and writes nothing', async () => {
    const u = await userWithToken(t.app, 'checkout-fails@soar2.test');
    peer.failNext('POST /v1/customers', { status: 400, type: 'invalid_request_error', code: 'parameter_invalid_empty' });
    const res = await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).send({ planId }).expect(502);
    expect(res.body).toMatchObject({ code: 'STRIPE_API_ERROR' });
    expect(await ds.query(`SELECT 1 FROM stripe_customers WHERE user_id = $1`, [u.id])).toEqual([]);
    peer.failNext('POST /v1/checkout/sessions', { status: 402, type: 'card_error', code: 'card_declined' });
    await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).send({ planId }).expect(502);
    expect(await ds.query(`SELECT 1 FROM subscriptions s JOIN stripe_customers c ON c.customer_id = s.stripe_customer_id WHERE c.user_id = $1`, [u.id])).toEqual([]);
    await request(t.server).post('/v1/billing/portal').set('Authorization', `Bearer ${(await userWithToken(t.app, 'no-customer@soar2.test')).token}`).expect(409);
  });

  it('refuses forged, stale and unsigned webhooks with 400 and stores nothing', async () => {
    const event = { id: stripeTestId('evt'), type: 'invoice.paid', object: { id: 'in_forged', object: 'invoice' } };
    const { payload } = signedEvent(WEBHOOK_SECRET, event);
    const forged = signedEvent('whsec_not_ours', event);
    await request(t.server).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', forged.signature).send(payload).expect(400);
    const res = await deliver(event, Math.floor(Date.now() / 1000) - 3600).expect(400);
    expect(res.body.code).toBe('INVALID_STRIPE_SIGNATURE');
    await request(t.server).post('/webhooks/stripe').set('Content-Type', 'application/json').send(payload).expect(400);
    const tampered = signedEvent(WEBHOOK_SECRET, event);
    await request(t.server).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', tampered.signature).send(tampered.payload.replace('in_forged', 'in_other')).expect(400);
    expect(await eventRow(event.id)).toBeUndefined();
  });

  it('checkout completion links the customer; 100 deliveries of invoice.paid grant the allowance once', async () => {
    const u = await userWithToken(t.app, 'subscriber@soar2.test');
    const s = await subscribedUser('subscriber-stripe@soar2.test');
    // The checkout flow: our user, a new Stripe customer (not linked yet) and the session Stripe completed.
    await ds.query(`DELETE FROM stripe_customers WHERE customer_id = $1`, [s.customer]);
    const session = peer.put({ id: stripeTestId('cs_test'), object: 'checkout.session', mode: 'subscription', customer: s.customer, client_reference_id: u.id, metadata: {}, subscription: s.sub });
    await deliver({ id: stripeTestId('evt'), type: 'checkout.session.completed', object: { id: session.id, object: 'checkout.session' } }).expect(200);
    const [sub] = (await ds.query(`SELECT user_id, plan_id, status FROM subscriptions WHERE stripe_subscription_id = $1`, [s.sub])) as Array<{ user_id: string; plan_id: string; status: string }>;
    expect(sub).toEqual({ user_id: u.id, plan_id: planId, status: 'active' });

    const paid = { id: stripeTestId('evt'), type: 'invoice.paid', object: { id: s.invoice, object: 'invoice' } };
    const answers = await Promise.all(Array.from({ length: 100 }, () => deliver(paid)));
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    expect(answers.filter((a) => a.status === 200 && a.body.duplicate === false)).toHaveLength(1);
    expect(await credits.summary(u.id)).toEqual({ balance: 300, held: 0, available: 300 });
    const grants = (await ds.query(`SELECT amount, expires_at FROM credit_entries WHERE user_id = $1 AND kind = 'grant'`, [u.id])) as Array<{ amount: number; expires_at: Date }>;
    expect(grants).toHaveLength(1);
    expect(grants[0]?.expires_at.getTime()).toBe(s.periodEnd * 1000);
    const row = await eventRow(paid.id);
    expect(row).toMatchObject({ outcome: 'processed', deliveries: 100, attempts: 1 });
    const replay = await deliver(paid).expect(200);
    expect(replay.body).toMatchObject({ duplicate: true, outcome: 'processed' });
  });

  it('events for unknown customers are stored, flagged and acknowledged', async () => {
    const stranger = peer.put({ id: stripeTestId('in'), object: 'invoice', customer: 'cus_nobody', status: 'paid', amount_paid: 100, currency: 'usd', parent: null, lines: { object: 'list', data: [] } });
    const event = { id: stripeTestId('evt'), type: 'invoice.paid', object: { id: stranger.id, object: 'invoice' } };
    const res = await deliver(event).expect(200);
    expect(res.body).toMatchObject({ outcome: 'unknown_customer' });
    expect(await eventRow(event.id)).toMatchObject({ outcome: 'unknown_customer', flagged: true });
    const ignored = { id: stripeTestId('evt'), type: 'customer.created', object: { id: 'cus_whatever', object: 'customer' } };
    expect((await deliver(ignored).expect(200)).body.outcome).toBe('ignored');
  });

  it('out-of-order subscription events end in Stripe’s latest state (re-read, not the payload)', async () => {
    const s = await subscribedUser('out-of-order@soar2.test');
    const current = peer.objects.get(s.sub) as Record<string, unknown>;
    peer.put({ ...(current as { id: string; object: string }), status: 'canceled', canceled_at: Math.floor(Date.now() / 1000) });
    await deliver({ id: stripeTestId('evt'), type: 'customer.subscription.deleted', object: { id: s.sub, object: 'subscription', status: 'canceled' }, created: 200 }).expect(200);
    // The older "created" event arrives last, its payload still saying incomplete.
    await deliver({ id: stripeTestId('evt'), type: 'customer.subscription.created', object: { id: s.sub, object: 'subscription', status: 'incomplete' }, created: 100 }).expect(200);
    const [row] = (await ds.query(`SELECT status, canceled_at FROM subscriptions WHERE stripe_subscription_id = $1`, [s.sub])) as Array<{ status: string; canceled_at: Date | null }>;
    expect(row?.status).toBe('canceled');
    expect(row?.canceled_at).toBeInstanceOf(Date);
  });

  it('refunds claw back proportionally; a dispute takes the rest, shows a negative balance and flags support', async () => {
    const s = await subscribedUser('refunded@soar2.test', 1000);
    await deliver({ id: stripeTestId('evt'), type: 'invoice.paid', object: { id: s.invoice, object: 'invoice' } }).expect(200);
    const hold = await credits.hold({ userId: s.userId, amount: 250, referenceType: 'job', referenceId: 'refund-job', reason: 'generation' });
    await credits.capture(hold.holdId);
    const charge = peer.objects.get(s.charge) as Record<string, unknown> & { id: string; object: string };
    peer.put({ ...charge, amount_refunded: 500 });
    const refunded = { id: stripeTestId('evt'), type: 'charge.refunded', object: { id: s.charge, object: 'charge' } };
    await deliver(refunded).expect(200);
    await deliver(refunded).expect(200);
    expect(await credits.summary(s.userId)).toEqual({ balance: -100, held: 0, available: -100 });
    expect(await eventRow(refunded.id)).toMatchObject({ outcome: 'processed', flagged: true });

    const dispute = peer.put({ id: stripeTestId('dp'), object: 'dispute', charge: s.charge, reason: 'fraudulent' });
    await deliver({ id: stripeTestId('evt'), type: 'charge.dispute.created', object: { id: dispute.id, object: 'dispute' } }).expect(200);
    expect(await credits.summary(s.userId)).toEqual({ balance: -250, held: 0, available: -250 });
    const [flag] = (await ds.query(`SELECT flag_reason FROM credit_balances WHERE user_id = $1`, [s.userId])) as Array<{ flag_reason: string }>;
    expect(flag?.flag_reason).toMatch(/disputed/);
    const view = await request(t.server).get(`/admin/users/${s.userId}/credits`).set('Authorization', `Bearer ${agentToken}`).expect(200);
    expect(view.body).toMatchObject({ balance: -250, available: -250, flagReason: expect.stringMatching(/disputed/) });
  });

  it('a failed event is stored as failed (503, Stripe retries) and admins can re-process it', async () => {
    const s = await subscribedUser('reprocess@soar2.test');
    const event = { id: stripeTestId('evt'), type: 'invoice.paid', object: { id: s.invoice, object: 'invoice' } };
    peer.failNext(`GET /v1/invoices/${s.invoice}`, { status: 400, type: 'invalid_request_error', code: 'resource_missing' });
    const failed = await deliver(event).expect(503);
    expect(failed.body.code).toBe('STRIPE_EVENT_FAILED');
    expect(await eventRow(event.id)).toMatchObject({ outcome: 'failed', detail: expect.stringMatching(/STRIPE_API_ERROR/) });
    expect((await credits.summary(s.userId)).balance).toBe(0);
    await request(t.server).post(`/admin/stripe-events/${event.id}/reprocess`).set('Authorization', `Bearer ${agentToken}`).expect(403);
    const again = await request(t.server).post(`/admin/stripe-events/${event.id}/reprocess`).set('Authorization', `Bearer ${adminToken}`).expect(200);
    expect(again.body).toMatchObject({ outcome: 'processed', attempts: 2 });
    await request(t.server).post(`/admin/stripe-events/${event.id}/reprocess`).set('Authorization', `Bearer ${adminToken}`).expect(200);
    expect((await credits.summary(s.userId)).balance).toBe(300);
    const list = await request(t.server).get(`/admin/stripe-events?filter=${encodeURIComponent(JSON.stringify({ outcome: 'unknown_customer' }))}`).set('Authorization', `Bearer ${adminToken}`).expect(200);
    expect(list.body.every((e: { flagged: boolean }) => e.flagged)).toBe(true);
  });

  it('unused allowance expires at period end; purchased credits do not', async () => {
    const s = await subscribedUser('expiry@soar2.test');
    await deliver({ id: stripeTestId('evt'), type: 'invoice.paid', object: { id: s.invoice, object: 'invoice' } }).expect(200);
    await credits.grant({ userId: s.userId, amount: 40, kind: 'purchase', idempotencyKey: 'test:expiry:pack', reason: 'credit pack' });
    const hold = await credits.hold({ userId: s.userId, amount: 100, referenceType: 'job', referenceId: 'expiry-job', reason: 'generation' });
    await credits.capture(hold.holdId);
    const expiry = t.app.get(AllowanceExpiryService);
    expect((await expiry.expireDue(new Date((s.periodEnd - 60) * 1000))).grants).toBe(0);
    const done = await expiry.expireDue(new Date((s.periodEnd + 60) * 1000));
    expect(done.grants).toBeGreaterThanOrEqual(1);
    expect(await credits.summary(s.userId)).toEqual({ balance: 40, held: 0, available: 40 });
    const expiries = (await ds.query(`SELECT amount FROM credit_entries WHERE user_id = $1 AND kind = 'expiry'`, [s.userId])) as Array<{ amount: number }>;
    expect(expiries).toEqual([{ amount: -200 }]);
    expect((await expiry.expireDue(new Date((s.periodEnd + 120) * 1000))).grants).toBe(0);
  });

  it('adjusting credits from the console: reason required, integers only, limit for support agents', async () => {
    const u = await userWithToken(t.app, 'console-adjust@soar2.test');
    await request(t.server).put('/admin/credit-settings').set('Authorization', `Bearer ${agentToken}`).send({ supportAdjustmentLimit: 1000 }).expect(403);
    await request(t.server).put('/admin/credit-settings').set('Authorization', `Bearer ${adminToken}`).send({ supportAdjustmentLimit: 50 }).expect(200);
    const ok = await request(t.server).post(`/admin/users/${u.id}/credits/adjust`).set('Authorization', `Bearer ${agentToken}`).send({ amount: 50, reason: 'Goodwill for ticket 12' }).expect(200);
    expect(ok.body).toMatchObject({ balance: 50, available: 50 });
    const over = await request(t.server).post(`/admin/users/${u.id}/credits/adjust`).set('Authorization', `Bearer ${agentToken}`).send({ amount: 51, reason: 'Too generous' }).expect(403);
    expect(over.body).toMatchObject({ code: 'ADJUSTMENT_LIMIT_EXCEEDED' });
    for (const body of [{ amount: 1.5, reason: 'fractional' }, { amount: 0, reason: 'zero credits' }, { amount: '5', reason: 'text amount' }, { amount: 5 }, { amount: 5, reason: '  ' }]) {
      const res = await request(t.server).post(`/admin/users/${u.id}/credits/adjust`).set('Authorization', `Bearer ${agentToken}`).send(body).expect(422);
      expect(res.body.errors).toBeDefined();
    }
    await request(t.server).post(`/admin/users/${u.id}/credits/adjust`).set('Authorization', `Bearer ${adminToken}`).send({ amount: -20, reason: 'Correction' }).expect(200);
    const entries = await request(t.server)
      .get(`/admin/credit-entries?filter=${encodeURIComponent(JSON.stringify({ userId: u.id }))}&sort=${encodeURIComponent('["seq","ASC"]')}`)
      .set('Authorization', `Bearer ${agentToken}`)
      .expect(200);
    expect(entries.body.map((e: { amount: number; balanceAfter: number }) => [e.amount, e.balanceAfter])).toEqual([
      [50, 50],
      [-20, 30],
    ]);
  });

  it('billing.stripe exports the customer and erasure deletes it at Stripe', async () => {
    const s = await subscribedUser('erase-stripe@soar2.test');
    await deliver({ id: stripeTestId('evt'), type: 'invoice.paid', object: { id: s.invoice, object: 'invoice' } }).expect(200);
    const source = t.app.get(PersonalDataRegistry).get('billing.stripe');
    if (!source) throw new Error('billing.stripe is not registered');
    const records = await collectRecords(source, { userId: s.userId });
    expect(records.map((r) => r.data.record)).toEqual(['stripe_customer', 'subscription', 'invoice']);
    const outcome = await source.erase({ userId: s.userId });
    expect(outcome).toMatchObject({ deleted: 1, systemsReached: ['stripe'] });
    expect(peer.requests.some((r) => r.method === 'DELETE' && r.path === `/v1/customers/${s.customer}`)).toBe(true);
    expect(peer.objects.has(s.customer)).toBe(false);
    expect(await source.erase({ userId: s.userId })).toMatchObject({ deleted: 0, anonymised: 0 });
    expect(await collectRecords(source, { userId: s.userId })).toEqual([]);
  });
});

describe('billing without Stripe keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { SEED_DEMO: 'true' } });
  });

  it('the demo seed creates three plans and gives demo users credits, once', async () => {
    await t.app.get(SeedService).seedDemo();
    await t.app.get(SeedService).seedDemo();
    const plans = await request(t.server).get('/v1/plans').expect(200);
    expect(plans.body.map((p: { name: string }) => p.name)).toEqual(['Starter', 'Pro', 'Studio']);
    const [alice] = (await t.app.get(DataSource).query(`SELECT id FROM users WHERE email = 'alice@example.test'`)) as Array<{ id: string }>;
    expect(await t.app.get(CreditsService).summary(alice?.id ?? '')).toEqual({ balance: 50, held: 0, available: 50 });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 BILLING_NOT_CONFIGURED for checkout, portal and webhooks; plans and credits still work', async () => {
    const u = await userWithToken(t.app, 'no-stripe@soar2.test');
    const checkout = await request(t.server).post('/v1/billing/checkout').set('Authorization', `Bearer ${u.token}`).send({ planId: '00000000-0000-4000-8000-000000000000' }).expect(503);
    expect(checkout.body.code).toBe('BILLING_NOT_CONFIGURED');
    await request(t.server).post('/v1/billing/portal').set('Authorization', `Bearer ${u.token}`).expect(503);
    await request(t.server).post('/webhooks/stripe').set('Content-Type', 'application/json').set('Stripe-Signature', 't=1,v1=00').send('{}').expect(503);
    await request(t.server).get('/v1/credits').set('Authorization', `Bearer ${u.token}`).expect(200);
  });
});
