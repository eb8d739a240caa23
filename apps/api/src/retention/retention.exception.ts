import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const RETENTION_ERROR_CODES = {
  RETENTION_POLICY_NOT_FOUND: 'No retention policy has this id.',
  RETENTION_RUN_NOT_FOUND: 'No retention run has this id.',
  RETENTION_SWEEP_NOT_AVAILABLE: 'No module sweeps this category yet (its data is not stored by an installed module); nothing can be previewed or run.',
  RETENTION_RUN_IN_PROGRESS: 'A run of this policy is already queued or running; wait for it to finish.',
  RETENTION_POLICY_DISABLED: 'The policy is disabled; enable it before running it.',
  ERASURE_NOT_FOUND: 'No erasure has this id.',
  ERASURE_ALREADY_SCHEDULED: 'An erasure of this account is already scheduled or running.',
  ERASURE_NOT_CANCELABLE: 'The erasure has started or ended; only a scheduled erasure (or one waiting on a legal hold) can be canceled.',
  ERASURE_SUBJECT_NOT_FOUND: 'No account has this id.',
  DELETION_CERTIFICATE_NOT_FOUND: 'No deletion certificate has this id.',
} as const;

type RetentionCode = keyof typeof RETENTION_ERROR_CODES;

export class RetentionException extends DomainException {
  constructor(code: RetentionCode, status: HttpStatus, message?: string) {
    super(code, status, message ?? RETENTION_ERROR_CODES[code]);
  }
}

export class RetentionPolicyNotFoundException extends RetentionException {
  constructor() {
    super('RETENTION_POLICY_NOT_FOUND', HttpStatus.NOT_FOUND);
  }
}

export class RetentionRunNotFoundException extends RetentionException {
  constructor() {
    super('RETENTION_RUN_NOT_FOUND', HttpStatus.NOT_FOUND);
  }
}

export class RetentionSweepNotAvailableException extends RetentionException {
  constructor(category: string) {
    super('RETENTION_SWEEP_NOT_AVAILABLE', HttpStatus.CONFLICT, `No installed module sweeps "${category}" yet, so it cannot be previewed or run.`);
  }
}

export class RetentionRunInProgressException extends RetentionException {
  constructor() {
    super('RETENTION_RUN_IN_PROGRESS', HttpStatus.CONFLICT);
  }
}

export class RetentionPolicyDisabledException extends RetentionException {
  constructor() {
    super('RETENTION_POLICY_DISABLED', HttpStatus.CONFLICT);
  }
}

export class ErasureNotFoundException extends RetentionException {
  constructor() {
    super('ERASURE_NOT_FOUND', HttpStatus.NOT_FOUND);
  }
}

export class ErasureAlreadyScheduledException extends RetentionException {
  constructor() {
    super('ERASURE_ALREADY_SCHEDULED', HttpStatus.CONFLICT);
  }
}

export class ErasureNotCancelableException extends RetentionException {
  constructor(status: string) {
    super('ERASURE_NOT_CANCELABLE', HttpStatus.CONFLICT, `The erasure is ${status}; only a scheduled erasure (or one waiting on a legal hold) can be canceled.`);
  }
}

export class ErasureSubjectNotFoundException extends RetentionException {
  constructor() {
    super('ERASURE_SUBJECT_NOT_FOUND', HttpStatus.NOT_FOUND);
  }
}

export class DeletionCertificateNotFoundException extends RetentionException {
  constructor() {
    super('DELETION_CERTIFICATE_NOT_FOUND', HttpStatus.NOT_FOUND);
  }
}
