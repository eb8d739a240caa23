import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { STUCK_LIMIT_HOURS, stuckReason } from '@soar2/privacy';
import { DataSource } from 'typeorm';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PrivacyFulfilmentService } from './privacy-fulfilment.service';
import { codeMail, statusMail } from './privacy-mail';
import { PrivacyRequestEntity } from './privacy-request.entity';
import { PrivacyWorkflow } from './privacy-workflow.service';

export interface SweepResult {
  reminded: number;
  expired: number;
  resumed: number;
}

export interface StuckRequest {
  id: string;
  type: string;
  status: string;
  dueAt: Date;
  reason: string;
  assigneeId: string | null;
}

const SYSTEM: AuditActor = { type: 'system', id: 'privacy-sweep' };

/**
 * Periodic work on privacy requests: the sweep (reminders at 24 h, expiry of unverified requests
 * after 7 days, stalled fulfilment re-sent) and the daily watchdog (stuck and overdue requests
 * emailed to every active privacy officer). Both run through ScheduledTaskRunner: once per tick.
 */
@Injectable()
export class PrivacySweepService implements OnModuleInit {
  private readonly logger = new Logger('PrivacyRequests');

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: PrivacyWorkflow,
    private readonly notifications: NotificationsService,
    private readonly fulfilment: PrivacyFulfilmentService,
    private readonly audit: AuditService,
    private readonly runner: ScheduledTaskRunner,
  ) {}

  onModuleInit(): void {
    const { sweepCron, watchdogCron } = this.workflow.config.privacy;
    this.runner.schedule('privacy-requests.sweep', sweepCron, async () => {
      await this.sweep();
    });
    this.runner.schedule('privacy-requests.watchdog', watchdogCron, async () => {
      await this.watchdog();
    });
  }

  async sweep(now = new Date()): Promise<SweepResult> {
    const { reminderHours, unverifiedExpiryDays } = this.workflow.config.privacy;
    const repo = this.dataSource.getRepository(PrivacyRequestEntity);
    const due = await repo
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where(`r.status = 'identity_pending'`)
      .andWhere('r.received_at <= :cutoff', { cutoff: new Date(now.getTime() - unverifiedExpiryDays * 86_400_000) })
      .getRawMany<{ id: string }>();
    let expired = 0;
    for (const { id } of due) {
      await this.dataSource.transaction(async (manager) => {
        const r = await this.workflow.lock(id, manager);
        if (r.status !== 'identity_pending') return;
        r.codeHash = null;
        r.codeExpiresAt = null;
        await this.workflow.transition(manager, r, 'expire', { actor: SYSTEM, reason: `Not confirmed within ${unverifiedExpiryDays} days.` }, now);
        const to = r.email;
        if (to) await this.notifications.enqueue(statusMail({ id: r.id, type: r.type, to, userId: null }, 'request_expired', 'Your privacy request was closed', [`Your request (reference ${r.id}) was never confirmed, so it is closed. You can make a new request at any time.`]), manager);
        expired += 1;
      });
    }
    const remind = await repo
      .createQueryBuilder('r')
      .select('r.id', 'id')
      .where(`r.status = 'identity_pending' AND r.reminder_sent_at IS NULL`)
      .andWhere('r.received_at <= :cutoff', { cutoff: new Date(now.getTime() - reminderHours * 3_600_000) })
      .getRawMany<{ id: string }>();
    let reminded = 0;
    for (const { id } of remind) {
      await this.dataSource.transaction(async (manager) => {
        const r = await this.workflow.lock(id, manager);
        if (r.status !== 'identity_pending' || r.reminderSentAt) return;
        const code = this.workflow.issueCode(r, now);
        r.reminderSentAt = now;
        await manager.getRepository(PrivacyRequestEntity).save(r);
        const to = r.verificationStage === 'subject' ? r.subjectEmail : r.email;
        if (to) await this.notifications.enqueue(codeMail({ id: r.id, type: r.type, to, userId: null }, code, unverifiedExpiryDays, r.verificationStage === 'subject' ? 'subject' : 'reminder'), manager);
        await this.workflow.addEvent(manager, r.id, 'note', SYSTEM, { body: 'Reminder sent with a new code.', visible: true, at: now });
        reminded += 1;
      });
    }
    const resumed = await this.fulfilment.resumeStalled();
    if (expired || reminded || resumed) this.logger.log({ expired, reminded, resumed }, 'privacy sweep');
    return { reminded, expired, resumed };
  }

  /** Requests stuck past their status limit or past their deadline. */
  async stuck(now = new Date()): Promise<StuckRequest[]> {
    const rows = await this.dataSource
      .getRepository(PrivacyRequestEntity)
      .createQueryBuilder('r')
      .where('r.status IN (:...statuses)', { statuses: Object.keys(STUCK_LIMIT_HOURS) })
      .orderBy('r.due_at', 'ASC')
      .getMany();
    const out: StuckRequest[] = [];
    for (const r of rows) {
      const reason = stuckReason({ status: r.status, since: r.statusChangedAt, dueAt: r.status === 'awaiting_erasure' ? new Date(8.64e15) : r.dueAt }, now);
      if (reason) out.push({ id: r.id, type: r.type, status: r.status, dueAt: r.dueAt, reason, assigneeId: r.assigneeId });
    }
    return out;
  }

  /** Emails the list of stuck requests to every active privacy officer (ids only: no personal data). */
  async watchdog(now = new Date()): Promise<StuckRequest[]> {
    const stuck = await this.stuck(now);
    if (stuck.length === 0) return stuck;
    const officers: Array<{ id: string; email: string }> = await this.dataSource.query(`SELECT id, email FROM staff WHERE role = 'privacy_officer' AND status = 'active' ORDER BY email`);
    const lines = stuck.map((s) => `- ${s.id} · ${s.type} · ${s.status} · due ${s.dueAt.toISOString().slice(0, 10)} · ${s.reason}${s.assigneeId ? '' : ' · unassigned'}`);
    await this.dataSource.transaction(async (manager) => {
      for (const o of officers)
        await this.notifications.enqueue(
          {
            kind: 'privacy.watchdog',
            class: 'service_critical',
            to: o.email,
            subject: `${stuck.length} privacy request${stuck.length === 1 ? '' : 's'} need attention`,
            text: ['These privacy requests are overdue or have stayed too long in their status:', '', ...lines, '', 'Open the console’s Privacy requests queue to act on them.'].join('\n'),
          },
          manager,
        );
      await this.audit.record({ action: 'privacy_request.watchdog', actor: SYSTEM, details: { stuck: stuck.length, officersNotified: officers.length, ids: stuck.slice(0, 100).map((s) => s.id) } }, manager);
    });
    return stuck;
  }
}
