import { Inject, Injectable } from '@nestjs/common';
import { affectedFields, recipientsForFields } from '@soar2/privacy';
import type { EntityManager } from 'typeorm';
import type { AuditActor } from '../audit/audit-entry';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { NotificationsService } from '../notifications/notifications.service';
import { SubprocessorsService } from '../policy/subprocessors.service';
import { changeName, officerReplyAlertMail, recipientNoticeMail } from './privacy-mail';
import { PrivacyRequestEntity, RecipientNotice } from './privacy-request.entity';
import { PrivacyWorkflow } from './privacy-workflow.service';

const ALERTS: AuditActor = { type: 'system', id: 'privacy-alerts' };
const RECIPIENTS: AuditActor = { type: 'system', id: 'privacy-recipient-notices' };

/**
 * What privacy requests tell people other than the requester, always in the caller's transaction:
 * the officer when the requester writes, and (GDPR Art. 19) the recipients of data that was
 * rectified, erased or restricted.
 */
@Injectable()
export class PrivacyNoticesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly workflow: PrivacyWorkflow,
    private readonly notifications: NotificationsService,
    private readonly subprocessors: SubprocessorsService,
  ) {}

  /** The console page of a request (the console is served at PUBLIC_URL). */
  consoleLink(requestId: string): string {
    return `${this.config.publicUrl}/#/privacy-requests/${requestId}/show`;
  }

  /**
   * The requester wrote (message event `messageEventId`): the request is flagged awaiting an officer
   * and the assignee (active), else every active privacy officer, gets one alert with the reference
   * and the console link. One alert per message: it is written with the message, and a replayed
   * message event is not alerted twice. Timeline (officers only) and audit as a system event.
   */
  async requesterWrote(manager: EntityManager, req: PrivacyRequestEntity, messageEventId: string, now = new Date()): Promise<void> {
    const [done] = (await manager.query(`SELECT 1 FROM privacy_request_events WHERE request_id = $1 AND kind = 'officer_alerted' AND details->>'messageEventId' = $2 LIMIT 1`, [req.id, messageEventId])) as unknown[];
    if (done) return;
    if (req.awaitingOfficerSince === null) {
      req.awaitingOfficerSince = now;
      await manager.getRepository(PrivacyRequestEntity).update({ id: req.id }, { awaitingOfficerSince: now });
    }
    let officers = req.assigneeId ? ((await manager.query(`SELECT id, email FROM staff WHERE id = $1 AND status = 'active'`, [req.assigneeId])) as Array<{ id: string; email: string }>) : [];
    const audience = officers.length ? 'assignee' : 'privacy_officers';
    if (!officers.length) officers = (await manager.query(`SELECT id, email FROM staff WHERE role = 'privacy_officer' AND status = 'active' ORDER BY email`)) as Array<{ id: string; email: string }>;
    const notificationIds: string[] = [];
    for (const o of officers) notificationIds.push(await this.notifications.enqueue(officerReplyAlertMail(o.email, req.id, this.consoleLink(req.id)), manager));
    const details = { messageEventId, audience, staffIds: officers.map((o) => o.id), notificationIds };
    await this.workflow.addEvent(manager, req.id, 'officer_alerted', ALERTS, { visible: false, details, at: now });
    await this.workflow.record(manager, 'privacy_request.officer_alerted', req, ALERTS, details);
  }

  /** An officer answered or acted: the request no longer waits for one. */
  async officerActed(manager: EntityManager, req: PrivacyRequestEntity): Promise<void> {
    if (req.awaitingOfficerSince === null) return;
    req.awaitingOfficerSince = null;
    await manager.getRepository(PrivacyRequestEntity).update({ id: req.id }, { awaitingOfficerSince: null });
  }

  /**
   * GDPR Art. 19 for a fulfilled correction, restriction or erasure: each sub-processor of the
   * register holding the changed data is told, by an outbox message to its privacy contact, or
   * through the DPA channel by an officer (a manual task in the timeline) when it has none. Each
   * recipient gets a timeline entry the requester sees; the list is kept in `fulfilment.recipients`
   * (a resumed run reuses it) and returned for the requester's final message.
   */
  async notifyRecipients(manager: EntityManager, req: PrivacyRequestEntity, now = new Date()): Promise<RecipientNotice[] | null> {
    const fields = affectedFields(req.type, req.appliedChanges);
    if (fields.length === 0 || !req.userId) return null;
    if (req.fulfilment.recipients) return req.fulfilment.recipients;
    const matches = recipientsForFields(fields, await this.subprocessors.all(manager));
    const change = changeName(req.type);
    const notices: RecipientNotice[] = [];
    for (const { recipient, categories } of matches) {
      const base = { subprocessorId: recipient.id, name: recipient.name, categories };
      if (recipient.privacyContactEmail) {
        const notificationId = await this.notifications.enqueue(
          recipientNoticeMail(recipient.privacyContactEmail, { requestId: req.id, type: req.type, userId: req.userId, recipientName: recipient.name, categories }),
          manager,
        );
        notices.push({ ...base, method: 'email', notificationId });
        await this.workflow.addEvent(manager, req.id, 'recipient_notified', RECIPIENTS, {
          body: `${recipient.name} (${categories.join(', ')}) was told of the ${change} by email.`,
          visible: true,
          details: { ...base, method: 'email', notificationId },
          at: now,
        });
      } else {
        notices.push({ ...base, method: 'manual' });
        await this.workflow.addEvent(manager, req.id, 'recipient_notified', RECIPIENTS, {
          body: `${recipient.name} (${categories.join(', ')}) is told of the ${change} through our data processing agreement channel (notified via DPA channel: manual).`,
          visible: true,
          details: { ...base, method: 'manual', task: 'notify_via_dpa_channel' },
          at: now,
        });
      }
    }
    req.fulfilment = { ...req.fulfilment, recipients: notices };
    await manager.getRepository(PrivacyRequestEntity).update({ id: req.id }, { fulfilment: req.fulfilment });
    await this.workflow.record(manager, 'privacy_request.recipients_notified', req, RECIPIENTS, {
      fields,
      recipients: notices.map((n) => ({ subprocessorId: n.subprocessorId, name: n.name, method: n.method })),
    });
    return notices;
  }
}
