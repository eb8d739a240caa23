// Every query on the outbox table. The worker's statements are guarded by (id, status, attempts),
// so a worker whose lease ran out cannot overwrite the outcome of the worker that took over.
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryResult, Repository } from 'typeorm';
import { NotificationClass, NotificationEntity, NotificationStatus, REMOVED_AFTER_DELIVERY } from './notification.entity';

export interface NewNotification {
  kind: string;
  messageClass: NotificationClass;
  recipient: string;
  userId: string | null;
  subject: string;
  textBody: string;
  htmlBody: string | null;
  headers: Record<string, string>;
  maxAttempts: number;
  /** The body holds a secret: it is replaced once the message has been sent. */
  sensitive: boolean;
  /** Set when the message must never be sent; the row is then written as `suppressed` with this reason. */
  suppressedReason?: string;
}

/** A row a worker has claimed (status `sending`); `attempts` already counts this attempt. */
export interface ClaimedNotification extends Omit<NewNotification, 'sensitive' | 'suppressedReason'> {
  id: string;
  attempts: number;
}

interface ClaimedRow {
  id: string;
  kind: string;
  class: NotificationClass;
  recipient: string;
  user_id: string | null;
  subject: string;
  text_body: string;
  html_body: string | null;
  headers: Record<string, string>;
  attempts: number;
  max_attempts: number;
}

export interface NotificationFilter {
  ids?: string[];
  statuses?: NotificationStatus[];
  classes?: NotificationClass[];
  kinds?: string[];
  userId?: string;
  text?: string;
}

export interface NotificationPageRequest {
  filter: NotificationFilter;
  /** An entity property name. */
  sortProperty: keyof NotificationEntity;
  sortOrder: 'ASC' | 'DESC';
  skip: number;
  take: number;
}

@Injectable()
export class NotificationsRepository {
  constructor(
    @InjectRepository(NotificationEntity) private readonly notifications: Repository<NotificationEntity>,
    private readonly dataSource: DataSource,
  ) {}

  /** Inserts a message, inside the caller's transaction when a manager is given; returns its id. */
  async insert(n: NewNotification, manager?: EntityManager): Promise<string> {
    const suppressed = n.suppressedReason !== undefined;
    const result = await (manager ?? this.dataSource.manager)
      .createQueryBuilder()
      .insert()
      .into(NotificationEntity)
      .values({
        kind: n.kind,
        messageClass: n.messageClass,
        recipient: n.recipient,
        userId: n.userId,
        subject: n.subject,
        textBody: n.textBody,
        htmlBody: n.htmlBody,
        headers: n.headers,
        maxAttempts: n.maxAttempts,
        sensitive: n.sensitive,
        status: suppressed ? 'suppressed' : 'queued',
        lastError: n.suppressedReason ?? null,
        // The database clock schedules everything, so workers on machines with skewed clocks agree.
        nextAttemptAt: suppressed ? null : () => 'now()',
      })
      .returning('id')
      .execute();
    return (result.raw as Array<{ id: string }>)[0]!.id;
  }

  /** Rows left in `sending` by a crashed worker with no attempt left become `failed`. */
  async failAbandoned(reason: string): Promise<number> {
    const rows = await this.write(
      `UPDATE notifications
          SET status = 'failed', next_attempt_at = NULL, last_error = $1, updated_at = now()
        WHERE status = 'sending' AND next_attempt_at <= now() AND attempts >= max_attempts
        RETURNING id`,
      [reason],
    );
    return rows.length;
  }

  /**
   * Claims up to `limit` due rows for this worker: queued rows whose time has come, and rows whose
   * `sending` lease ran out (their worker crashed). SKIP LOCKED lets several workers claim side by
   * side without waiting on or taking each other's rows.
   */
  async claimDue(limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
    const rows = await this.write<ClaimedRow>(
      `WITH due AS (
         SELECT id FROM notifications
          WHERE status IN ('queued','sending') AND next_attempt_at <= now()
            AND (status = 'queued' OR attempts < max_attempts)
          ORDER BY next_attempt_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED
       )
       UPDATE notifications n
          SET status = 'sending', attempts = n.attempts + 1,
              next_attempt_at = now() + $2::double precision * interval '1 millisecond', updated_at = now()
         FROM due
        WHERE n.id = due.id
       RETURNING n.id, n.kind, n.class, n.recipient, n.user_id, n.subject, n.text_body, n.html_body, n.headers, n.attempts, n.max_attempts`,
      [limit, leaseMs],
    );
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      messageClass: r.class,
      recipient: r.recipient,
      userId: r.user_id,
      subject: r.subject,
      textBody: r.text_body,
      htmlBody: r.html_body,
      headers: r.headers,
      attempts: r.attempts,
      maxAttempts: r.max_attempts,
    }));
  }

  /** A sensitive message's body (a sign-in code…) is not kept once it has been handed to the mail system. */
  async markSent(id: string, attempt: number, messageId: string): Promise<boolean> {
    return this.settle(
      id,
      attempt,
      `status = 'sent', sent_at = now(), next_attempt_at = NULL, provider_message_id = $3, last_error = NULL,
       text_body = CASE WHEN sensitive THEN $4 ELSE text_body END,
       html_body = CASE WHEN sensitive AND html_body IS NOT NULL THEN $4 ELSE html_body END`,
      [messageId, REMOVED_AFTER_DELIVERY],
    );
  }

  async scheduleRetry(id: string, attempt: number, delayMs: number, reason: string): Promise<boolean> {
    return this.settle(id, attempt, `status = 'queued', next_attempt_at = now() + $3::double precision * interval '1 millisecond', last_error = $4`, [delayMs, reason]);
  }

  async markFailed(id: string, attempt: number, reason: string): Promise<boolean> {
    return this.settle(id, attempt, `status = 'failed', next_attempt_at = NULL, last_error = $3`, [reason]);
  }

  /** Suppressed at send time: no attempt was made, so the claim's count is taken back. */
  async markSuppressed(id: string, attempt: number, reason: string): Promise<boolean> {
    return this.settle(id, attempt, `status = 'suppressed', attempts = attempts - 1, next_attempt_at = NULL, last_error = $3`, [reason]);
  }

  /**
   * failed → queued with a fresh set of attempts. Answers the row as it stands after the call
   * (null when there is no such row) and whether it was requeued. The row is read under the same
   * lock, so the answer is not overtaken by a worker claiming the requeued row at once.
   */
  /** Failed → queued with fresh attempts; `onRequeued` runs in the same transaction (the audit entry). */
  async requeueFailed(id: string, onRequeued: (row: NotificationEntity, manager: EntityManager) => Promise<unknown>): Promise<{ requeued: boolean; row: NotificationEntity | null }> {
    return this.dataSource.transaction(async (manager) => {
      const repo = manager.getRepository(NotificationEntity);
      const row = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row || row.status !== 'failed') return { requeued: false, row };
      await manager.query(
        `UPDATE notifications SET status = 'queued', attempts = 0, next_attempt_at = now(), updated_at = now() WHERE id = $1`,
        [id],
      );
      const updated = await repo.findOneByOrFail({ id });
      await onRequeued(updated, manager);
      return { requeued: true, row: updated };
    });
  }

  findById(id: string): Promise<NotificationEntity | null> {
    return this.notifications.findOneBy({ id });
  }

  async page(req: NotificationPageRequest): Promise<[NotificationEntity[], number]> {
    const qb = this.notifications.createQueryBuilder('n');
    const f = req.filter;
    if (f.ids) qb.andWhere('n.id IN (:...ids)', { ids: f.ids.length > 0 ? f.ids : ['00000000-0000-0000-0000-000000000000'] });
    if (f.statuses) qb.andWhere('n.status IN (:...statuses)', { statuses: f.statuses });
    if (f.classes) qb.andWhere('n.messageClass IN (:...classes)', { classes: f.classes });
    if (f.kinds) qb.andWhere('n.kind IN (:...kinds)', { kinds: f.kinds });
    if (f.userId) qb.andWhere('n.userId = :userId', { userId: f.userId });
    if (f.text) {
      const like = `%${f.text.replace(/[%_\\]/g, '\\$&')}%`;
      qb.andWhere('(n.recipient ILIKE :like OR n.subject ILIKE :like OR n.kind ILIKE :like)', { like });
    }
    return qb
      .orderBy(`n.${String(req.sortProperty)}`, req.sortOrder, 'NULLS LAST')
      .addOrderBy('n.id', 'ASC')
      .skip(req.skip)
      .take(req.take)
      .getManyAndCount();
  }

  private async settle(id: string, attempt: number, set: string, params: unknown[]): Promise<boolean> {
    const rows = await this.write(
      `UPDATE notifications SET ${set}, updated_at = now()
        WHERE id = $1 AND status = 'sending' AND attempts = $2
       RETURNING id`,
      [id, attempt, ...params],
    );
    return rows.length === 1;
  }

  /** Runs a data-changing statement and returns its RETURNING rows. */
  private async write<T = { id: string }>(sql: string, params: unknown[]): Promise<T[]> {
    const runner = this.dataSource.createQueryRunner();
    try {
      const result = (await runner.query(sql, params, true)) as QueryResult<T>;
      return result.records;
    } finally {
      await runner.release();
    }
  }
}
