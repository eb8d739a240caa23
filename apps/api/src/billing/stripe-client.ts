import { Inject, Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { BillingNotConfiguredException, InvalidStripeSignatureException, StripeApiException } from './billing.exception';

/**
 * The one Stripe SDK client (absent without STRIPE_SECRET_KEY). `call` turns Stripe's errors into
 * 502 STRIPE_API_ERROR; STRIPE_API_BASE points the SDK at another host (tests use a loopback peer).
 */
@Injectable()
export class StripeClient {
  private readonly client: Stripe | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const key = config.stripe.secretKey;
    if (!key) return;
    const base = config.stripe.apiBase;
    this.client = new Stripe(key, {
      maxNetworkRetries: 2,
      timeout: 20_000,
      telemetry: false,
      ...(base ? { host: base.host, port: base.port, protocol: base.protocol } : {}),
    });
  }

  get configured(): boolean {
    return this.client !== undefined;
  }

  /** Runs one or more SDK calls; Stripe errors become StripeApiException (502). */
  async call<T>(fn: (stripe: Stripe) => Promise<T>): Promise<T> {
    if (!this.client) throw new BillingNotConfiguredException();
    try {
      return await fn(this.client);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeError) throw new StripeApiException(error.type, error.code, error.statusCode);
      throw error;
    }
  }

  /** Checks the Stripe-Signature header over the raw body and returns the event (400 when it does not match). */
  constructEvent(rawBody: Buffer | undefined, signature: string | undefined): Stripe.Event {
    const secret = this.config.stripe.webhookSecret;
    if (!this.client || !secret) throw new BillingNotConfiguredException('Stripe webhooks are not set up on this installation (STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET).');
    if (!rawBody || !signature) throw new InvalidStripeSignatureException();
    try {
      return this.client.webhooks.constructEvent(rawBody, signature, secret);
    } catch {
      throw new InvalidStripeSignatureException();
    }
  }
}

/** Stripe's "no such object" error: deleting something already gone is fine. */
export function isStripeMissing(error: unknown): boolean {
  return error instanceof StripeApiException && error.details?.stripeCode === 'resource_missing';
}
