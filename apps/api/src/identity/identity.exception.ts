import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const IDENTITY_ERROR_CODES = {
  INVALID_CREDENTIALS: 'The email or password is not correct.',
  ACCOUNT_LOCKED: 'Too many failed sign-in attempts; the account is locked for a while (see Retry-After).',
} as const;

export class InvalidCredentialsException extends DomainException {
  constructor() {
    super('INVALID_CREDENTIALS', HttpStatus.UNAUTHORIZED, 'The email or password is not correct.');
  }
}

export class AccountLockedException extends DomainException {
  constructor(retryAfterSeconds: number) {
    super('ACCOUNT_LOCKED', HttpStatus.TOO_MANY_REQUESTS, 'Too many failed sign-in attempts; the account is locked for a while.', {
      retryAfterSeconds,
    });
  }
}

export class UnauthenticatedException extends DomainException {
  constructor(message = 'Sign in first: the request has no valid credentials.') {
    super('UNAUTHENTICATED', HttpStatus.UNAUTHORIZED, message);
  }
}

export class ForbiddenRoleException extends DomainException {
  constructor() {
    super('FORBIDDEN', HttpStatus.FORBIDDEN, 'Your role does not allow this.');
  }
}
