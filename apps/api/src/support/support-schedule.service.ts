import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { GuestTicketsService } from './guest-tickets.service';
import { SupportClock } from './support-clock.service';

export const SUPPORT_SLA_TASK = 'support.sla-sweep';
export const SUPPORT_AUTO_CLOSE_TASK = 'support.auto-close';

/**
 * Periodic support work: the SLA sweep stores breach flags (so the inbox can filter breached
 * tickets in SQL; views also compute them live) and solved tickets close after the configured days.
 */
@Injectable()
export class SupportSchedule implements OnModuleInit {
  private readonly logger = new Logger('Support');

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: ScheduledTaskRunner,
    private readonly clock: SupportClock,
    private readonly guests: GuestTicketsService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.runner.schedule(SUPPORT_SLA_TASK, CronExpression.EVERY_MINUTE, () => this.sweepSla().then(() => undefined));
    this.runner.schedule(SUPPORT_AUTO_CLOSE_TASK, CronExpression.EVERY_10_MINUTES, async () => {
      await this.autoClose();
      await this.guests.purge();
    });
  }

  /** Flags tickets whose open clocks have passed their due time; returns how many changed. */
  async sweepSla(): Promise<number> {
    const [row] = (await this.dataSource.query(`
      WITH changed AS (
        UPDATE support_tickets SET
          first_response_breached = first_response_breached OR (first_responded_at IS NULL AND first_response_due_at < now()),
          resolution_breached = resolution_breached OR (status NOT IN ('pending','solved','closed') AND resolution_due_at < now())
        WHERE status NOT IN ('solved','closed')
          AND ((NOT first_response_breached AND first_responded_at IS NULL AND first_response_due_at < now())
            OR (NOT resolution_breached AND status <> 'pending' AND resolution_due_at < now()))
        RETURNING 1)
      SELECT count(*)::int AS n FROM changed`)) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  /** Closes tickets solved more than SUPPORT_AUTO_CLOSE_DAYS ago, each recorded as ticket.auto_close; returns how many. */
  async autoClose(): Promise<number> {
    const ids = await this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `WITH closed AS (
           UPDATE support_tickets SET status = 'closed', closed_at = now(), updated_at = now()
            WHERE id IN (SELECT id FROM support_tickets WHERE status = 'solved' AND solved_at < now() - make_interval(days => $1) ORDER BY solved_at LIMIT 500 FOR UPDATE SKIP LOCKED)
           RETURNING id)
         SELECT id FROM closed`,
        [this.clock.config.support.autoCloseDays],
      )) as Array<{ id: string }>;
      for (const { id } of rows) {
        await this.audit.record(
          { action: 'ticket.auto_close', actor: { type: 'system', id: SUPPORT_AUTO_CLOSE_TASK }, subject: { type: 'ticket', id }, details: { before: { status: 'solved' }, after: { status: 'closed' }, afterDays: this.clock.config.support.autoCloseDays } },
          manager,
        );
      }
      return rows.map((r) => r.id);
    });
    if (ids.length > 0) this.logger.log({ closed: ids.length }, 'closed solved tickets');
    return ids.length;
  }
}
