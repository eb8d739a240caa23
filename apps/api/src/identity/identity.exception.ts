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
  FIELD_NOT_EDITABLE: 'The request changes a field the caller may not change; the message names the field or the rule (e.g. a staff member cannot change their own role or status).',
  TOTP_REQUIRED: 'The password is correct and the account uses two-step sign-in: send the 6-digit code from the authenticator app as `totp`.',
  INVALID_TOTP: 'The authenticator code is not correct or was already used (401 at sign-in, where it counts towards the lockout; 400 when confirming set-up).',
  TOTP_ALREADY_ENABLED: 'Two-step sign-in is already on for this account; turn it off first to set up a new authenticator.',
  TOTP_NOT_PENDING: 'There is no two-step sign-in set-up to confirm; start the set-up first.',
  TOTP_NOT_ENABLED: 'Two-step sign-in is not on for this account.',
  STAFF_EMAIL_TAKEN: 'Another staff member already has this email address.',
  STAFF_DISABLED: 'The staff member is disabled; enable the account before sending a password link.',
  PASSWORD_LINK_INVALID: 'The set-password link is not valid: unknown, already used, replaced by a newer link, or the account is disabled.',
  PASSWORD_LINK_EXPIRED: 'The set-password link has expired; an admin can send a new one.',
  TOTP_SECRET_UNREADABLE: 'The stored two-step sign-in secret does not decrypt with the server’s TOTP_ENCRYPTION_KEY (the key changed); an admin turns two-step sign-in off for the member.',
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
  /** `reason`: the sentence of the rule that forbids it, when there is one. */
  constructor(field: string, reason?: string) {
    super('FIELD_NOT_EDITABLE', HttpStatus.FORBIDDEN, reason ?? `You may not change the field "${field}".`, { field });
  }
}

export class TotpRequiredException extends DomainException {
  constructor() {
    super('TOTP_REQUIRED', HttpStatus.UNAUTHORIZED, 'Enter the 6-digit code from your authenticator app.');
  }
}

export class InvalidTotpException extends DomainException {
  /** 401 when the code is part of signing in; 400 when a signed-in member confirms set-up with it. */
  constructor(status: HttpStatus.UNAUTHORIZED | HttpStatus.BAD_REQUEST = HttpStatus.UNAUTHORIZED) {
    super('INVALID_TOTP', status, 'The authenticator code is not correct or was already used. Wait for the next code and try again.');
  }
}

export class TotpAlreadyEnabledException extends DomainException {
  constructor() {
    super('TOTP_ALREADY_ENABLED', HttpStatus.CONFLICT, 'Two-step sign-in is already on. Turn it off first to set up a new authenticator.');
  }
}

export class TotpNotPendingException extends DomainException {
  constructor() {
    super('TOTP_NOT_PENDING', HttpStatus.CONFLICT, 'There is no two-step sign-in set-up to confirm. Start the set-up first.');
  }
}

export class TotpNotEnabledException extends DomainException {
  constructor() {
    super('TOTP_NOT_ENABLED', HttpStatus.CONFLICT, 'Two-step sign-in is not on for this account.');
  }
}

export class StaffEmailTakenException extends DomainException {
  constructor() {
    super('STAFF_EMAIL_TAKEN', HttpStatus.CONFLICT, 'Another staff member already has this email address.');
  }
}

export class StaffDisabledException extends DomainException {
  constructor() {
    super('STAFF_DISABLED', HttpStatus.CONFLICT, 'This staff member is disabled. Enable the account before sending a password link.');
  }
}

export class PasswordLinkInvalidException extends DomainException {
  constructor() {
    super('PASSWORD_LINK_INVALID', HttpStatus.BAD_REQUEST, 'This link to set a password is no longer valid (it was used, or a newer link replaced it). Ask an admin for a new link.');
  }
}

export class PasswordLinkExpiredException extends DomainException {
  constructor() {
    super('PASSWORD_LINK_EXPIRED', HttpStatus.BAD_REQUEST, 'This link to set a password has expired. Ask an admin for a new link.');
  }
}

/** The server's TOTP key changed since the secret was stored: an operator problem, logged, not the caller's fault. */
export class TotpSecretUnreadableException extends DomainException {
  constructor() {
    super(
      'TOTP_SECRET_UNREADABLE',
      HttpStatus.INTERNAL_SERVER_ERROR,
      'Two-step sign-in cannot be checked for this account right now. Ask an admin to turn it off for you, then set it up again.',
    );
  }
}

/** A console status change that does not apply to the account's current status. */
export class StatusChangeNotAllowedException extends DomainException {
  constructor(from: string, change: string, message: string) {
    super('STATUS_CHANGE_NOT_ALLOWED', HttpStatus.CONFLICT, message, { from, change });
  }
}
