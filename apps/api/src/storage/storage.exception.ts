import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

/** Machine codes of the storage module, with the sentence each one answers. */
export const STORAGE_ERROR_CODES = {
  INVALID_STORAGE_KEY: 'The storage key is not valid.',
  INVALID_STORAGE_METADATA: 'The object metadata is not valid.',
  OBJECT_NOT_FOUND: 'The stored object was not found.',
  OBJECT_TOO_LARGE: 'The object is larger than the limit.',
  RANGE_NOT_SATISFIABLE: 'The requested byte range lies outside the object.',
} as const;

export type StorageErrorCode = keyof typeof STORAGE_ERROR_CODES;

export class InvalidStorageKeyException extends DomainException {
  constructor(reason: string) {
    super('INVALID_STORAGE_KEY', HttpStatus.BAD_REQUEST, `The storage key is not valid: ${reason}.`);
  }
}

export class InvalidStorageMetadataException extends DomainException {
  constructor(reason: string) {
    super('INVALID_STORAGE_METADATA', HttpStatus.BAD_REQUEST, `The object metadata is not valid: ${reason}.`);
  }
}

export class StorageObjectNotFoundException extends DomainException {
  constructor() {
    super('OBJECT_NOT_FOUND', HttpStatus.NOT_FOUND, STORAGE_ERROR_CODES.OBJECT_NOT_FOUND);
  }
}

export class StorageObjectTooLargeException extends DomainException {
  constructor(readonly maxBytes: number) {
    super('OBJECT_TOO_LARGE', HttpStatus.PAYLOAD_TOO_LARGE, `The object is larger than the limit of ${maxBytes} bytes.`);
  }
}

export class StorageRangeNotSatisfiableException extends DomainException {
  constructor(readonly size: number) {
    super('RANGE_NOT_SATISFIABLE', HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, STORAGE_ERROR_CODES.RANGE_NOT_SATISFIABLE);
  }
}
