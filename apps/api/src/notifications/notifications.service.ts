import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ValidationFailedException } from '../errors/domain.exception';
import { NotificationDetailDto, NotificationSummaryDto, toNotificationDetail, toNotificationSummary } from './dto/notification-admin.dto';
import { MarketingConsentGateRegistry } from './marketing-consent.gate';
import { NOTIFICATION_CLASSES, NOTIFICATION_STATUSES, NotificationClass, NotificationEntity, NotificationStatus } from './notification.entity';
import { InvalidNotificationException, NotificationNotFoundException, NotificationNotRetryableException } from './notifications.exception';
import { NotificationFilter, NotificationsRepository } from './notifications.repository';
import { OutgoingMessage, checkOutgoingMessage } from './outgoing-message';
import { sanitizeServerText } from './smtp-failure';

/** Console field name → entity property. */
const SORTABLE: Record<string, keyof NotificationEntity> = {
  createdAt: 'createdAt',
  sentAt: 'sentAt',
  nextAttemptAt: 'nextAttemptAt',
  status: 'status',
  kind: 'kind',
  class: 'messageClass',
  to: 'recipient',
  subject: 'subject',
  attempts: 'attempts',
};

export const NOTIFICATION_LIST_RULES: ListQueryRules = {
  sortable: Object.keys(SORTABLE),
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'status', 'class', 'kind', 'userId', 'q'],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The outbox: modules enqueue emails here; the console lists and retries them. */
@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');

  constructor(
    private readonly outbox: NotificationsRepository,
    private readonly consent: MarketingConsentGateRegistry,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Writes a message to the outbox and returns its id. Pass the manager of the transaction that
   * makes the change the message is about: the message then exists exactly when that change
   * commits. A marketing message without consent on record is stored as `suppressed` and never sent.
   * Throws InvalidNotificationException (422) when the message is malformed.
   */
  async enqueue(message: OutgoingMessage, manager?: EntityManager): Promise<string> {
    const check = checkOutgoingMessage(message);
    if (!check.ok) throw new InvalidNotificationException(check.errors);
    const m = check.message;
    let suppressedReason: string | undefined;
    let headers = m.headers;
    if (m.class === 'marketing') {
      const recipient = { to: m.to, userId: m.userId, kind: m.kind };
      const decision = await this.consent.decide(recipient, manager);
      if (!decision.allowed) suppressedReason = sanitizeServerText(decision.reason);
      // Every marketing message carries the gate's one-click unsubscribe headers (RFC 8058); they win over the caller's.
      else headers = { ...headers, ...(await this.consent.unsubscribeHeaders(recipient, manager)) };
    }
    const id = await this.outbox.insert(
      {
        kind: m.kind,
        messageClass: m.class,
        recipient: m.to,
        userId: m.userId,
        subject: m.subject,
        textBody: m.text,
        htmlBody: m.html,
        headers,
        maxAttempts: m.maxAttempts ?? this.config.outbox.maxAttempts,
        sensitive: m.sensitive,
        suppressedReason,
      },
      manager,
    );
    this.logger.debug({ notificationId: id, kind: m.kind, class: m.class, status: suppressedReason ? 'suppressed' : 'queued' }, 'notification enqueued');
    return id;
  }

  async list(q: ListQuery): Promise<ListPage<NotificationSummaryDto>> {
    const sortProperty = SORTABLE[q.sortField] ?? 'createdAt';
    const [rows, total] = await this.outbox.page({ filter: parseFilter(q.filter), sortProperty, sortOrder: q.sortOrder, skip: q.skip, take: q.take });
    return new ListPage('notifications', rows.map(toNotificationSummary), q.skip, total);
  }

  /** One message with its recipient and body, personal data: the read is recorded (`notification.read`) before it is answered. */
  async get(id: string, reader: AuditActor): Promise<NotificationDetailDto> {
    const found = await this.outbox.findById(id);
    if (!found) throw new NotificationNotFoundException();
    await this.audit.record({
      action: 'notification.read',
      actor: reader,
      subject: { type: 'notification', id: found.id },
      details: { kind: found.kind, recipientUserId: found.userId, bodyShown: !found.sensitive },
    });
    return toNotificationDetail(found);
  }

  /** Puts a failed message back in the queue with a fresh set of attempts; audited in the same transaction. */
  async retry(id: string, actor: AuditActor): Promise<NotificationDetailDto> {
    const { requeued, row } = await this.outbox.requeueFailed(id, (r, manager) =>
      this.audit.record({ action: 'notification.retry', actor, subject: { type: 'notification', id: r.id }, details: { kind: r.kind, from: 'failed', to: 'queued' } }, manager),
    );
    if (!row) throw new NotificationNotFoundException();
    if (!requeued) throw new NotificationNotRetryableException(row.status);
    this.logger.log({ notificationId: id, kind: row.kind }, 'failed notification queued again');
    return toNotificationDetail(row);
  }
}

function parseFilter(filter: Record<string, unknown>): NotificationFilter {
  const errors: Record<string, string> = {};
  const out: NotificationFilter = {};
  const list = (name: string, allowed?: readonly string[]): string[] | undefined => {
    const raw = filter[name];
    if (raw === undefined || raw === null) return undefined;
    const values = Array.isArray(raw) ? raw : [raw];
    if (!values.every((v): v is string => typeof v === 'string') || (allowed && !values.every((v) => allowed.includes(v)))) {
      errors[`filter.${name}`] = allowed ? `The ${name} filter takes ${allowed.join(', ')}.` : `The ${name} filter takes text.`;
      return undefined;
    }
    return values;
  };
  const ids = list('id');
  if (ids && !ids.every((id) => UUID.test(id))) errors['filter.id'] = 'The id filter takes notification ids.';
  else if (ids) out.ids = ids;
  const statuses = list('status', NOTIFICATION_STATUSES);
  if (statuses) out.statuses = statuses as NotificationStatus[];
  const classes = list('class', NOTIFICATION_CLASSES);
  if (classes) out.classes = classes as NotificationClass[];
  const kinds = list('kind');
  if (kinds) out.kinds = kinds;
  const userId = filter.userId;
  if (userId !== undefined && userId !== null) {
    if (typeof userId === 'string' && UUID.test(userId)) out.userId = userId;
    else errors['filter.userId'] = 'The userId filter takes a user id.';
  }
  const q = filter.q;
  if (typeof q === 'string' && q.trim()) out.text = q.trim();
  else if (q !== undefined && q !== null && typeof q !== 'string') errors['filter.q'] = 'The q filter takes text.';
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return out;
}
