import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const CONSENT_ERROR_CODES = {
  UNKNOWN_CONSENT_PURPOSE: 'The purpose is not one the consent ledger knows (see CONSENT_PURPOSES; sale_sharing always exists); the message lists the known ones.',
  CONSENT_RECORD_NOT_FOUND: 'The consent record was not found.',
  UNSUBSCRIBE_TOKEN_INVALID: 'The unsubscribe link is damaged or was not issued by us (bad format or signature); use the link from the latest email, or the preferences page.',
} as const;

export class UnknownConsentPurposeException extends DomainException {
  constructor(purpose: string, known: readonly string[]) {
    super('UNKNOWN_CONSENT_PURPOSE', HttpStatus.UNPROCESSABLE_ENTITY, `"${purpose.slice(0, 64)}" is not a consent purpose; use one of ${known.join(', ')}.`);
  }
}

export class UnsubscribeTokenInvalidException extends DomainException {
  constructor() {
    super('UNSUBSCRIBE_TOKEN_INVALID', HttpStatus.BAD_REQUEST, 'This unsubscribe link is not valid. Use the link from the latest email, or change your preferences after signing in.');
  }
}
