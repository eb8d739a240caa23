import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const AUDIT_ERROR_CODES = {
  AUDIT_ENTRY_INVALID: 'An audit entry was malformed (a programming error); the action was not carried out.',
  AUDIT_ENTRY_NOT_FOUND: 'The audit log entry was not found.',
} as const;

/**
 * A caller built an entry the log cannot hold. The action it describes fails with it (a 500, since
 * it is our bug, not the client's): an action that should be audited must not happen unaudited.
 */
export class AuditEntryInvalidException extends DomainException {
  constructor(readonly problems: string[]) {
    super('AUDIT_ENTRY_INVALID', HttpStatus.INTERNAL_SERVER_ERROR, `The audit entry is invalid: ${problems.join(' ')}`);
  }
}

export class AuditEntryNotFoundException extends DomainException {
  constructor() {
    super('AUDIT_ENTRY_NOT_FOUND', HttpStatus.NOT_FOUND, AUDIT_ERROR_CODES.AUDIT_ENTRY_NOT_FOUND);
  }
}
