// Delivers the outbox. Polls only in processes with the `worker` role; deliverDue() can be called
// anywhere (tests, a one-off operator command). Delivery is at least once: a worker that dies after
// the mail server accepted a message but before recording it sends that message again after the
// lease (OUTBOX_SENDING_TIMEOUT_MS); the stable Message-ID lets receivers drop the duplicate.
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MailerService } from './mailer.service';
import { MarketingConsentGateRegistry } from './marketing-consent.gate';
import { ClaimedNotification, NotificationsRepository } from './notifications.repository';
import { retryDelayMs } from './retry-backoff';
import { classifyDeliveryError, sanitizeServerText } from './smtp-failure';

export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'suppressed' | 'lost';

export interface DeliveryReport {
  /** Rows claimed in this pass. */
  claimed: number;
  sent: number;
  retried: number;
  failed: number;
  suppressed: number;
  /** Rows in `sending` abandoned by a crashed worker with no attempt left, now `failed`. */
  abandoned: number;
}

const ABANDONED_REASON = 'Delivery was interrupted (the worker stopped while sending) and no attempts are left.';

@Injectable()
export class OutboxDeliveryWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Notifications');
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;
  private readonly inFlight = new Set<Promise<DeliveryReport>>();

  constructor(
    private readonly outbox: NotificationsRepository,
    private readonly mailer: MailerService,
    private readonly consent: MarketingConsentGateRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.roles.has('worker')) return;
    this.logger.log({ transport: this.mailer.mode, pollMs: this.config.outbox.pollMs }, 'email outbox worker started');
    this.schedule(0);
  }

  /** Stops polling and waits for messages being sent, so none is left in `sending` by a clean stop. */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** One pass: claims up to OUTBOX_BATCH_SIZE due messages and delivers them. */
  deliverDue(): Promise<DeliveryReport> {
    const pass = this.pass();
    this.inFlight.add(pass);
    void pass.finally(() => this.inFlight.delete(pass)).catch(() => undefined);
    return pass;
  }

  private schedule(delayMs: number): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => void this.tick(), delayMs);
  }

  private async tick(): Promise<void> {
    try {
      // A full batch means more may be due: keep going until the backlog is drained.
      for (;;) {
        if (this.stopping) return;
        const report = await this.deliverDue();
        if (report.claimed < this.config.outbox.batchSize) break;
      }
    } catch (err) {
      this.logger.error({ err }, 'email outbox pass failed; trying again at the next poll');
    } finally {
      this.schedule(this.config.outbox.pollMs);
    }
  }

  private async pass(): Promise<DeliveryReport> {
    const report: DeliveryReport = { claimed: 0, sent: 0, retried: 0, failed: 0, suppressed: 0, abandoned: 0 };
    if (this.stopping) return report;
    report.abandoned = await this.outbox.failAbandoned(ABANDONED_REASON);
    if (report.abandoned > 0) this.logger.warn({ count: report.abandoned }, 'notifications abandoned in sending with no attempt left marked failed');
    const claimed = await this.outbox.claimDue(this.config.outbox.batchSize, this.config.outbox.sendingTimeoutMs);
    report.claimed = claimed.length;
    const outcomes = await Promise.all(claimed.map((n) => this.deliver(n)));
    for (const o of outcomes) {
      if (o === 'sent') report.sent += 1;
      else if (o === 'retry') report.retried += 1;
      else if (o === 'failed') report.failed += 1;
      else if (o === 'suppressed') report.suppressed += 1;
    }
    return report;
  }

  private async deliver(n: ClaimedNotification): Promise<DeliveryOutcome> {
    const fields = { notificationId: n.id, kind: n.kind, attempt: n.attempts };
    let messageId: string;
    try {
      if (n.messageClass === 'marketing') {
        // Asked again at send time: consent withdrawn after the message was queued stops it.
        const decision = await this.consent.decide({ to: n.recipient, userId: n.userId, kind: n.kind });
        if (!decision.allowed) {
          await this.outbox.markSuppressed(n.id, n.attempts, sanitizeServerText(decision.reason));
          this.logger.log(fields, 'marketing notification suppressed: no consent');
          return 'suppressed';
        }
      }
      ({ messageId } = await this.mailer.send({ notificationId: n.id, to: n.recipient, subject: n.subject, text: n.textBody, html: n.htmlBody, headers: n.headers }));
    } catch (err) {
      return this.failed(n, err, fields);
    }
    try {
      if (!(await this.outbox.markSent(n.id, n.attempts, messageId))) return this.lost(fields);
    } catch (dbErr) {
      // Sent but not recorded: the row stays `sending` and is sent again after its lease (at least once).
      this.logger.error({ ...fields, err: dbErr }, 'a notification was sent but could not be recorded as sent');
      return 'lost';
    }
    this.logger.log(fields, 'notification sent');
    return 'sent';
  }

  private async failed(n: ClaimedNotification, err: unknown, fields: Record<string, unknown>): Promise<DeliveryOutcome> {
    const failure = classifyDeliveryError(err);
    try {
      if (failure.kind === 'permanent' || n.attempts >= n.maxAttempts) {
        if (!(await this.outbox.markFailed(n.id, n.attempts, failure.reason))) return this.lost(fields);
        this.logger.warn({ ...fields, failure: failure.kind, reason: failure.reason }, 'notification failed for good');
        return 'failed';
      }
      const delayMs = retryDelayMs(n.attempts, { baseMs: this.config.outbox.retryBaseMs, maxMs: this.config.outbox.retryMaxMs });
      if (!(await this.outbox.scheduleRetry(n.id, n.attempts, delayMs, failure.reason))) return this.lost(fields);
      this.logger.warn({ ...fields, failure: failure.kind, reason: failure.reason, retryInMs: delayMs }, 'notification delivery failed; will retry');
      return 'retry';
    } catch (dbErr) {
      // The outcome could not be recorded; the row stays `sending` and is taken up again after its lease.
      this.logger.error({ ...fields, err: dbErr }, 'could not record a delivery outcome');
      return 'lost';
    }
  }

  private lost(fields: Record<string, unknown>): DeliveryOutcome {
    this.logger.warn(fields, 'notification was taken over by another worker after its lease ran out; outcome not recorded');
    return 'lost';
  }
}
