import { HttpStatus } from '@nestjs/common';
import type { IllegalTransitionError } from '@soar2/privacy';
import { DomainException } from '../errors/domain.exception';

export const PRIVACY_REQUESTS_ERROR_CODES = {
  PRIVACY_REQUEST_NOT_FOUND: 'No such privacy request, or it is not yours (another person’s request answers 404, never 403).',
  ILLEGAL_TRANSITION: 'The request is not in a status that allows this action (or a rule of the action refused it); the message names the status and the rule.',
  INVALID_PRIVACY_CODE: 'The emailed code is not correct or has expired; ask for a new one with /resend. Says nothing about whether an account exists.',
  PRIVACY_CODE_ATTEMPTS_EXCEEDED: 'Five wrong codes were tried; ask for a new code with /resend.',
  NOTHING_TO_VERIFY: 'The request is not waiting for an emailed code.',
  PROOF_REQUIRED: 'An authorized agent must upload a signed proof of authorization before the subject is asked to confirm.',
  PROOF_TYPE_NOT_ACCEPTED: 'The proof document must be a PDF, PNG or JPEG of at most 10 MB.',
  CORRECTION_NOT_PROPOSED: 'A correction request needs the changes it proposes (displayName and/or region).',
  ACCOUNT_NOT_FOUND_FOR_REQUEST: 'The action needs the subject’s account, and no account matches the verified address (deny with no_match).',
} as const;

export class PrivacyRequestNotFoundException extends DomainException {
  constructor() {
    super('PRIVACY_REQUEST_NOT_FOUND', HttpStatus.NOT_FOUND, 'Privacy request was not found.');
  }
}

/** The state machine refused a transition: 409 with the status, the event and the rule. */
export class IllegalTransitionException extends DomainException {
  constructor(err: IllegalTransitionError) {
    super('ILLEGAL_TRANSITION', HttpStatus.CONFLICT, err.message, { status: err.from, event: err.event });
  }
}

export class InvalidPrivacyCodeException extends DomainException {
  constructor() {
    super('INVALID_PRIVACY_CODE', HttpStatus.BAD_REQUEST, 'The code is not correct or has expired; ask for a new one.');
  }
}

export class PrivacyCodeAttemptsExceededException extends DomainException {
  constructor() {
    super('PRIVACY_CODE_ATTEMPTS_EXCEEDED', HttpStatus.TOO_MANY_REQUESTS, 'Too many wrong codes; ask for a new one.');
  }
}

export class NothingToVerifyException extends DomainException {
  constructor() {
    super('NOTHING_TO_VERIFY', HttpStatus.CONFLICT, 'This request is not waiting for a code.');
  }
}

export class ProofRequiredException extends DomainException {
  constructor() {
    super('PROOF_REQUIRED', HttpStatus.CONFLICT, 'Upload the signed authorization (POST /v1/privacy-requests/:id/proof) before verifying.');
  }
}

export class ProofTypeNotAcceptedException extends DomainException {
  constructor() {
    super('PROOF_TYPE_NOT_ACCEPTED', HttpStatus.UNSUPPORTED_MEDIA_TYPE, 'The proof must be a PDF, PNG or JPEG of at most 10 MB.');
  }
}

export class CorrectionNotProposedException extends DomainException {
  constructor() {
    super('CORRECTION_NOT_PROPOSED', HttpStatus.UNPROCESSABLE_ENTITY, 'A correction request must say which fields to change (displayName, region).');
  }
}

export class AccountNotFoundForRequestException extends DomainException {
  constructor() {
    super('ACCOUNT_NOT_FOUND_FOR_REQUEST', HttpStatus.CONFLICT, 'No account matches this request’s verified address; deny it with the reason no_match.');
  }
}
