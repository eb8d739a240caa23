import { HttpStatus } from '@nestjs/common';
import { DomainException, NotFoundDomainException } from '../errors/domain.exception';

export const CREDITS_ERROR_CODES = {
  INSUFFICIENT_CREDITS: 'The account does not have enough available credits (balance minus held) for this; `details` gives `available` and `required`.',
  HOLD_NOT_FOUND: 'No credit hold has this id.',
  HOLD_ALREADY_RELEASED: 'The credit hold was released, so it cannot be captured.',
  HOLD_ALREADY_CAPTURED: 'The credit hold was captured, so it cannot be released (refund the credits instead).',
  ADJUSTMENT_LIMIT_EXCEEDED: 'The adjustment is larger than the per-adjustment limit for support agents; an admin must make it. `details` gives the limit.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was already used for a different ledger entry (another user, kind or amount).',
} as const;

/** 402: available (balance − held) is below what the operation needs. */
export class InsufficientCreditsException extends DomainException {
  constructor(available: number, required: number) {
    super('INSUFFICIENT_CREDITS', HttpStatus.PAYMENT_REQUIRED, `Not enough credits: ${required} needed, ${available} available.`, { available, required });
  }
}

export class HoldNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The credit hold', 'HOLD_NOT_FOUND');
  }
}

export class HoldAlreadyReleasedException extends DomainException {
  constructor(holdId: string) {
    super('HOLD_ALREADY_RELEASED', HttpStatus.CONFLICT, 'This credit hold was already released, so it cannot be captured.', { holdId });
  }
}

export class HoldAlreadyCapturedException extends DomainException {
  constructor(holdId: string) {
    super('HOLD_ALREADY_CAPTURED', HttpStatus.CONFLICT, 'This credit hold was already captured, so it cannot be released; refund the credits instead.', { holdId });
  }
}

export class AdjustmentLimitExceededException extends DomainException {
  constructor(limit: number) {
    super('ADJUSTMENT_LIMIT_EXCEEDED', HttpStatus.FORBIDDEN, `Support agents can adjust at most ${limit} credits at a time; ask an admin for a larger adjustment.`, { limit });
  }
}

export class IdempotencyKeyReusedException extends DomainException {
  constructor(key: string) {
    super('IDEMPOTENCY_KEY_REUSED', HttpStatus.CONFLICT, `The idempotency key "${key}" was already used for a different ledger entry.`, { key });
  }
}
