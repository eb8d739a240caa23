import { HttpStatus } from '@nestjs/common';
import { DomainException, NotFoundDomainException, ValidationFailedException } from '../errors/domain.exception';

export const NOTIFICATIONS_ERROR_CODES = {
  NOTIFICATION_NOT_FOUND: 'The notification was not found.',
  NOTIFICATION_NOT_RETRYABLE: 'Only a failed notification can be retried.',
} as const;

/** A message handed to enqueue() is malformed (422 with a message per field, like any bad input). */
export class InvalidNotificationException extends ValidationFailedException {}

export class NotificationNotFoundException extends NotFoundDomainException {
  constructor() {
    super('The notification', 'NOTIFICATION_NOT_FOUND');
  }
}

export class NotificationNotRetryableException extends DomainException {
  constructor(status: string) {
    super('NOTIFICATION_NOT_RETRYABLE', HttpStatus.CONFLICT, `Only a failed notification can be retried; this one is ${status}.`);
  }
}
