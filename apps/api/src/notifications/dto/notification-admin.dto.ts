import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { NOTIFICATION_CLASSES, NOTIFICATION_STATUSES, NotificationClass, NotificationEntity, NotificationStatus } from '../notification.entity';

/** What the console shows instead of a sensitive message's body, before and after delivery. */
export const SENSITIVE_BODY_HIDDEN = '[hidden: this message holds a secret such as a sign-in code]';

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

  @ApiProperty({ description: 'The body holds a secret (e.g. a sign-in code): it is never shown here and is removed once sent.' })
  sensitive!: boolean;

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
  @ApiProperty({ description: 'The plain-text body; a placeholder for sensitive messages.' })
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
    sensitive: n.sensitive,
    lastError: n.lastError,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
    nextAttemptAt: n.nextAttemptAt,
  };
}

export function toNotificationDetail(n: NotificationEntity): NotificationDetailDto {
  return { ...toNotificationSummary(n), text: n.sensitive ? SENSITIVE_BODY_HIDDEN : n.textBody };
}
