import { HttpStatus } from '@nestjs/common';

/**
 * Base of every typed domain exception. `code` is the stable machine code clients switch on;
 * `message` is a sentence a person can read. The global filter maps it to HTTP.
 */
export class DomainException extends Error {
  constructor(
    readonly code: string,
    readonly status: HttpStatus,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Validation failure with a message per field, answered as 422 `{errors: {field: message}}`. */
export class ValidationFailedException extends DomainException {
  constructor(readonly errors: Record<string, string>) {
    super('VALIDATION_FAILED', HttpStatus.UNPROCESSABLE_ENTITY, 'Some fields are missing or invalid.');
  }
}

export class NotFoundDomainException extends DomainException {
  constructor(resource: string, code = 'NOT_FOUND') {
    super(code, HttpStatus.NOT_FOUND, `${resource} was not found.`);
  }
}
