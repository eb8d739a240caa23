import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const NOTIFICATION_CLASSES = ['service_critical', 'marketing'] as const;
/** service_critical messages are always sent; marketing ones only with consent on record. */
export type NotificationClass = (typeof NOTIFICATION_CLASSES)[number];

export const NOTIFICATION_STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** What a sensitive message's body becomes once it has been sent. */
export const REMOVED_AFTER_DELIVERY = '[removed after delivery]';

/** One email in the outbox. Only the notifications module reads or writes this table. */
@Entity({ name: 'notifications' })
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Template name, e.g. `auth.login_code`. */
  @Column({ type: 'text' })
  kind!: string;

  @Column({ name: 'class', type: 'text' })
  messageClass!: NotificationClass;

  @Column({ type: 'text' })
  recipient!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'text' })
  subject!: string;

  @Column({ name: 'text_body', type: 'text' })
  textBody!: string;

  @Column({ name: 'html_body', type: 'text', nullable: true })
  htmlBody!: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  headers!: Record<string, string>;

  /** The body holds a secret: never shown in the console, replaced once sent. */
  @Column({ type: 'boolean', default: false })
  sensitive!: boolean;

  @Column({ type: 'text', default: 'queued' })
  status!: NotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  /**
   * When a worker may next pick the row: for `queued`, the scheduled (re)try; for `sending`, the
   * end of the claiming worker's lease, after which the row counts as abandoned by a crashed worker.
   * Null once the row is final.
   */
  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt!: Date | null;

  /** Why the last attempt failed or why the message was suppressed; never holds addresses or content. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** The Message-ID of the sent message. */
  @Column({ name: 'provider_message_id', type: 'text', nullable: true })
  providerMessageId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
