import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const IDENTITY_ERROR_CODES = {
  INVALID_CREDENTIALS: 'The email or password is not correct.',
  ACCOUNT_LOCKED: 'Too many failed sign-in attempts; the account is locked for a while (see Retry-After).',
  ROUTE_NOT_AUTHORIZED: 'The endpoint declares no permission, so nobody may call it (deny by default).',
  INVALID_CODE: 'The emailed code is not correct (or none was asked for); check the latest email or ask for a new code. Says nothing about whether an account exists.',
  CODE_EXPIRED: 'The emailed code is older than 10 minutes; ask for a new one.',
  CODE_ALREADY_USED: 'The emailed code has already been used; ask for a new one.',
  CODE_ATTEMPTS_EXCEEDED: 'Five wrong codes were tried against the latest emailed code, so it no longer works; ask for a new one.',
  ACCOUNT_UNAVAILABLE: 'The account is suspended, terminated or deleted and cannot sign in (answered only to whoever holds a correct code).',
  FIELD_NOT_EDITABLE: 'The request changes a field the caller may not change; the message names the field.',
  STATUS_CHANGE_NOT_ALLOWED:
    'The account is not in a status this change applies to (only active accounts can be restricted, only restricted ones unrestricted); the message names its status.',
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

/** A wrong code, or no code was ever asked for this address: the same answer either way. */
export class InvalidCodeException extends DomainException {
  /** 401 when the code is the credential (sign-in); 400 when a signed-in user confirms something with it. */
  constructor(status: HttpStatus.UNAUTHORIZED | HttpStatus.BAD_REQUEST = HttpStatus.UNAUTHORIZED) {
    super('INVALID_CODE', status, 'The code is not correct. Check the latest email we sent you, or ask for a new code.');
  }
}

export class CodeExpiredException extends DomainException {
  constructor() {
    super('CODE_EXPIRED', HttpStatus.BAD_REQUEST, 'The code has expired (codes work for 10 minutes). Ask for a new code.');
  }
}

export class CodeAlreadyUsedException extends DomainException {
  constructor() {
    super('CODE_ALREADY_USED', HttpStatus.BAD_REQUEST, 'This code has already been used. Ask for a new code.');
  }
}

export class CodeAttemptsExceededException extends DomainException {
  constructor() {
    super('CODE_ATTEMPTS_EXCEEDED', HttpStatus.BAD_REQUEST, 'Too many wrong codes were tried, so this code no longer works. Ask for a new code.');
  }
}

/** Suspended, terminated or deleted accounts: only reachable with a correct code, so it reveals nothing to a guesser. */
export class AccountUnavailableException extends DomainException {
  constructor() {
    super('ACCOUNT_UNAVAILABLE', HttpStatus.FORBIDDEN, 'This account cannot sign in because it is suspended, closed or deleted. Contact support if you think this is a mistake.');
  }
}

export class RateLimitedException extends DomainException {
  constructor(retryAfterSeconds: number) {
    super('RATE_LIMITED', HttpStatus.TOO_MANY_REQUESTS, 'Too many requests; try again later (see Retry-After).', { retryAfterSeconds });
  }
}

export class FieldNotEditableException extends DomainException {
  constructor(field: string) {
    super('FIELD_NOT_EDITABLE', HttpStatus.FORBIDDEN, `You may not change the field "${field}".`, { field });
  }
}

/** A console status change that does not apply to the account's current status. */
export class StatusChangeNotAllowedException extends DomainException {
  constructor(from: string, change: string, message: string) {
    super('STATUS_CHANGE_NOT_ALLOWED', HttpStatus.CONFLICT, message, { from, change });
  }
}
