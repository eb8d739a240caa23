import { HttpStatus } from '@nestjs/common';
import { DomainException, NotFoundDomainException } from '../errors/domain.exception';

export const BILLING_ERROR_CODES = {
  BILLING_NOT_CONFIGURED: 'Payments are off on this installation (no STRIPE_SECRET_KEY, or no STRIPE_WEBHOOK_SECRET for webhooks); plans are still listed and credits still work.',
  STRIPE_API_ERROR: 'Stripe answered with an error or could not be reached; nothing was changed on our side. `details` gives Stripe’s error type and code.',
  PLAN_NOT_FOUND: 'No plan has this id.',
  PLAN_NOT_PURCHASABLE: 'The plan is inactive or has no Stripe price, so it cannot be bought.',
  NO_BILLING_ACCOUNT: 'The user has no Stripe customer yet (they never went to checkout), so there is no portal to open.',
  INVALID_STRIPE_SIGNATURE: 'The webhook’s Stripe-Signature header is missing, forged or too old; the event was not stored.',
  STRIPE_EVENT_NOT_FOUND: 'No Stripe event with this id was received.',
  STRIPE_EVENT_FAILED: 'Processing the Stripe event failed (it is stored with the error; Stripe retries it and admins can re-process it).',
  STRIPE_EVENT_BUSY: 'The Stripe event is being processed right now; try again in a moment.',
  SUBSCRIPTION_NOT_FOUND: 'No subscription has this id.',
  PLAN_NAME_TAKEN: 'Another plan already has this name or Stripe price.',
} as const;

export class BillingNotConfiguredException extends DomainException {
  constructor(what = 'Payments are not set up on this installation.') {
    super('BILLING_NOT_CONFIGURED', HttpStatus.SERVICE_UNAVAILABLE, what);
  }
}

export class StripeApiException extends DomainException {
  constructor(stripeType: string, stripeCode: string | undefined, statusCode: number | undefined) {
    super('STRIPE_API_ERROR', HttpStatus.BAD_GATEWAY, 'The payment provider could not complete the request; nothing was charged. Try again in a moment.', {
      stripeType,
      stripeCode: stripeCode ?? null,
      stripeStatus: statusCode ?? null,
    });
  }
}

export class PlanNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The plan', 'PLAN_NOT_FOUND');
  }
}

export class PlanNotPurchasableException extends DomainException {
  constructor() {
    super('PLAN_NOT_PURCHASABLE', HttpStatus.CONFLICT, 'This plan cannot be bought right now.');
  }
}

export class NoBillingAccountException extends DomainException {
  constructor() {
    super('NO_BILLING_ACCOUNT', HttpStatus.CONFLICT, 'You have no billing account yet: subscribe to a plan first.');
  }
}

export class InvalidStripeSignatureException extends DomainException {
  constructor() {
    super('INVALID_STRIPE_SIGNATURE', HttpStatus.BAD_REQUEST, 'The Stripe-Signature header does not match the body, or it is too old.');
  }
}

export class StripeEventNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The Stripe event', 'STRIPE_EVENT_NOT_FOUND');
  }
}

export class StripeEventFailedException extends DomainException {
  constructor(eventId: string) {
    super('STRIPE_EVENT_FAILED', HttpStatus.SERVICE_UNAVAILABLE, 'The event was stored but could not be processed; it will be retried.', { eventId });
  }
}

export class StripeEventBusyException extends DomainException {
  constructor(eventId: string) {
    super('STRIPE_EVENT_BUSY', HttpStatus.CONFLICT, 'The event is being processed right now; try again in a moment.', { eventId });
  }
}

export class SubscriptionNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The subscription', 'SUBSCRIPTION_NOT_FOUND');
  }
}

export class PlanNameTakenException extends DomainException {
  constructor() {
    super('PLAN_NAME_TAKEN', HttpStatus.CONFLICT, 'Another plan already has this name or Stripe price.');
  }
}
