import { randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'qs';
import Stripe from 'stripe';

type StripeObject = Record<string, unknown> & { id: string; object: string };

export interface PeerRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  idempotencyKey: string | undefined;
}

export interface PeerFailure {
  status: number;
  type: string;
  code?: string;
  message?: string;
}

const COLLECTIONS: Record<string, string> = {
  customers: 'customer',
  subscriptions: 'subscription',
  invoices: 'invoice',
  charges: 'charge',
  disputes: 'dispute',
  'checkout/sessions': 'checkout.session',
};

export function stripeTestId(prefix: string): string {
  return `${prefix}_${randomBytes(8).toString('hex')}`;
}

/**
 * A loopback server speaking the few Stripe API endpoints the API calls (form-encoded requests, JSON
 * answers, Stripe's error shape, idempotent replays), so that tests exercise the real `stripe` SDK over
 * HTTP. Tests put the objects Stripe would hold (subscriptions, invoices, charges, disputes) with `put`.
 */
export class StripePeer {
  readonly objects = new Map<string, StripeObject>();
  readonly requests: PeerRequest[] = [];
  /** "METHOD /v1/path-prefix" → the error the next matching request gets. */
  readonly failures = new Map<string, PeerFailure>();
  private readonly replays = new Map<string, { status: number; body: unknown }>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  put<T extends StripeObject>(object: T): T {
    this.objects.set(object.id, object);
    return object;
  }

  failNext(route: string, failure: PeerFailure): void {
    this.failures.set(route, failure);
  }

  count(method: string, pathPrefix: string): number {
    return this.requests.filter((r) => r.method === method && r.path.startsWith(pathPrefix)).length;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://peer');
    const method = req.method ?? 'GET';
    const body = parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    this.requests.push({ method, path: url.pathname, body, idempotencyKey });
    const send = (status: number, payload: unknown): void => {
      if (idempotencyKey && method === 'POST') this.replays.set(idempotencyKey, { status, body: payload });
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': stripeTestId('req') });
      res.end(JSON.stringify(payload));
    };
    if (!(req.headers.authorization ?? '').startsWith('Bearer sk_test_')) return send(401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided.' } });
    const replay = idempotencyKey ? this.replays.get(idempotencyKey) : undefined;
    if (replay && method === 'POST') return send(replay.status, replay.body);
    for (const [route, failure] of this.failures) {
      const [m, prefix] = route.split(' ');
      if (m === method && prefix && url.pathname.startsWith(prefix)) {
        this.failures.delete(route);
        return send(failure.status, { error: { type: failure.type, code: failure.code, message: failure.message ?? 'Simulated Stripe failure.' } });
      }
    }
    const missing = (id: string): void => send(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such object: '${id}'`, param: 'id' } });

    if (method === 'POST' && url.pathname === '/v1/customers') {
      const customer = this.put({ id: stripeTestId('cus'), object: 'customer', email: body.email ?? null, metadata: body.metadata ?? {}, created: now() });
      return send(200, customer);
    }
    if (method === 'POST' && url.pathname === '/v1/checkout/sessions') {
      const id = stripeTestId('cs_test');
      const session = this.put({
        id,
        object: 'checkout.session',
        mode: body.mode,
        customer: body.customer ?? null,
        client_reference_id: body.client_reference_id ?? null,
        metadata: body.metadata ?? {},
        line_items: body.line_items,
        subscription: null,
        status: 'open',
        url: `https://checkout.stripe.test/c/pay/${id}`,
        success_url: body.success_url,
        cancel_url: body.cancel_url,
      });
      return send(200, session);
    }
    if (method === 'POST' && url.pathname === '/v1/billing_portal/sessions') {
      if (typeof body.customer !== 'string' || !this.objects.has(body.customer)) return missing(String(body.customer));
      const id = stripeTestId('bps');
      return send(200, { id, object: 'billing_portal.session', customer: body.customer, return_url: body.return_url, url: `https://billing.stripe.test/p/session/${id}` });
    }
    const m = /^\/v1\/(customers|subscriptions|invoices|charges|disputes|checkout\/sessions)\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const [, collection = '', id = ''] = m;
      const object = this.objects.get(id);
      if (!object || object.object !== COLLECTIONS[collection]) return missing(id);
      if (method === 'GET') return send(200, object);
      if (method === 'DELETE' && collection === 'customers') {
        this.objects.delete(id);
        return send(200, { id, object: 'customer', deleted: true });
      }
    }
    return send(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${url.pathname}).` } });
  }
}

function now(): number {
  return Math.floor(Date.now() / 1000);
}

const signer = new Stripe('sk_test_signer');

/** A webhook delivery as Stripe sends it: the JSON payload and its Stripe-Signature header. */
export function signedEvent(secret: string, event: { id: string; type: string; object: Record<string, unknown>; created?: number }, timestamp?: number): { payload: string; signature: string } {
  const payload = JSON.stringify({
    id: event.id,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: event.created ?? now(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: event.type,
    data: { object: event.object },
  });
  const signature = signer.webhooks.generateTestHeaderString({ payload, secret, ...(timestamp !== undefined ? { timestamp } : {}) });
  return { payload, signature };
}
