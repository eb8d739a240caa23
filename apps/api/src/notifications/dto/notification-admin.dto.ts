import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_CLASSES, NOTIFICATION_STATUSES, NotificationClass, NotificationEntity, NotificationStatus } from '../notification.entity';

/** A notification as the console lists it (no body). */
export class NotificationSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'auth.login_code' })
  kind!: string;

  @ApiProperty({ enum: NOTIFICATION_CLASSES })
  class!: NotificationClass;

  @ApiProperty({ description: 'Recipient address.' })
  to!: string;

  @ApiProperty()
  subject!: string;

  @ApiProperty({ enum: NOTIFICATION_STATUSES })
  status!: NotificationStatus;

  @ApiProperty()
  attempts!: number;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the last attempt failed, or why the message was suppressed.' })
  lastError!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: Date;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  sentAt!: Date | null;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true })
  nextAttemptAt!: Date | null;
}

/** One notification with its text body. */
export class NotificationDetailDto extends NotificationSummaryDto {
  @ApiProperty({ description: 'The plain-text body.' })
  text!: string;
}

export function toNotificationSummary(n: NotificationEntity): NotificationSummaryDto {
  return {
    id: n.id,
    kind: n.kind,
    class: n.messageClass,
    to: n.recipient,
    subject: n.subject,
    status: n.status,
    attempts: n.attempts,
    lastError: n.lastError,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
    nextAttemptAt: n.nextAttemptAt,
  };
}

export function toNotificationDetail(n: NotificationEntity): NotificationDetailDto {
  return { ...toNotificationSummary(n), text: n.textBody };
}
