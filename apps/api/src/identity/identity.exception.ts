import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const IDENTITY_ERROR_CODES = {
  INVALID_CREDENTIALS: 'The email or password is not correct.',
  ACCOUNT_LOCKED: 'Too many failed sign-in attempts; the account is locked for a while (see Retry-After).',
  ROUTE_NOT_AUTHORIZED: 'The endpoint declares no permission, so nobody may call it (deny by default).',
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

export class ForbiddenActionException extends DomainException {
  constructor(message = 'You are not allowed to do this.') {
    super('FORBIDDEN', HttpStatus.FORBIDDEN, message);
  }
}

/** A route that declares no permission is refused for everyone (deny by default). */
export class RouteNotAuthorizedException extends DomainException {
  constructor() {
    super('ROUTE_NOT_AUTHORIZED', HttpStatus.FORBIDDEN, 'This endpoint declares no permission, so nobody may call it.');
  }
}
