import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const DATA_KEYS_ERROR_CODES = {
  DATA_KEY_DESTROYED: 'The personal data was encrypted with a key destroyed by an erasure (crypto-shredding); it can never be read again.',
  DATA_UNREADABLE: 'Encrypted personal data did not open with its owner’s key (altered bytes, a copied value, or a master key missing from DATA_KEY_MASTER_KEYS).',
} as const;

export class DataKeyDestroyedException extends DomainException {
  constructor() {
    super('DATA_KEY_DESTROYED', HttpStatus.GONE, 'This personal data was erased: its encryption key was destroyed.');
  }
}

export class DataUnreadableException extends DomainException {
  constructor() {
    super('DATA_UNREADABLE', HttpStatus.INTERNAL_SERVER_ERROR, 'Encrypted personal data could not be read; operators were told in the log.');
  }
}
