import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const LEGAL_HOLDS_ERROR_CODES = {
  LEGAL_HOLD_NOT_FOUND: 'No legal hold has this id.',
  LEGAL_HOLD_SCOPE_NOT_FOUND: 'The user, ticket or job the hold would cover does not exist.',
  LEGAL_HOLD_RELEASED: 'The legal hold was already released; create a new one to hold the records again.',
  LEGAL_HOLD_EXPIRY_IN_PAST: 'A legal hold cannot expire in the past; leave the expiry empty for a hold without an end date.',
  LEGAL_HOLD_BLOCKS_DELETION: 'A legal hold covers these records, so they cannot be deleted now; the message names the hold and its reason.',
} as const;

export class LegalHoldNotFoundException extends DomainException {
  constructor() {
    super('LEGAL_HOLD_NOT_FOUND', HttpStatus.NOT_FOUND, 'No legal hold has this id.');
  }
}

export class LegalHoldScopeNotFoundException extends DomainException {
  constructor(scopeType: string) {
    super('LEGAL_HOLD_SCOPE_NOT_FOUND', HttpStatus.UNPROCESSABLE_ENTITY, `No ${scopeType} has this id, so there is nothing to hold.`);
  }
}

export class LegalHoldReleasedException extends DomainException {
  constructor() {
    super('LEGAL_HOLD_RELEASED', HttpStatus.CONFLICT, 'This legal hold was already released; create a new hold to hold the records again.');
  }
}

export class LegalHoldExpiryInPastException extends DomainException {
  constructor() {
    super('LEGAL_HOLD_EXPIRY_IN_PAST', HttpStatus.UNPROCESSABLE_ENTITY, 'The expiry must be in the future (or empty for a hold without an end date).');
  }
}

export class LegalHoldBlocksDeletionException extends DomainException {
  constructor(holdId: string, reason: string) {
    super('LEGAL_HOLD_BLOCKS_DELETION', HttpStatus.CONFLICT, `Legal hold ${holdId} covers these records (${reason}); they cannot be deleted until it is released.`);
  }
}
