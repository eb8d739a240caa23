// Converts a support ticket into a privacy request (registered with SupportExtensions from
// PrivacyRequestsModule). Runs in the support desk's transaction, so the ticket's link and the new
// request land together or not at all.
//
// Verification: a ticket written by a signed-in user was authenticated by their session, exactly
// like a signed-in POST /v1/privacy-requests, so the request starts `verified` — except the types
// that change or remove data (RECONFIRMED_TYPES: deletion), which a signed-in requester re-confirms
// by an emailed code in the API too. A guest ticket (no account) only proved the address once, when
// the ticket was opened, so the request starts `identity_pending` and the usual code is emailed.
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { OPEN_STATUSES, RECONFIRMED_TYPES, REQUEST_TYPES, RequestType, applicableRegimes, dayOf } from '@soar2/privacy';
import { EntityManager, In } from 'typeorm';
import type { AuditActor } from '../audit/audit-entry';
import { ValidationFailedException } from '../errors/domain.exception';
import { UserEntity } from '../identity/user.entity';
import { NotificationsService } from '../notifications/notifications.service';
import type { PrivacyConversionInput, PrivacyTicketConverter } from '../support/support-extensions';
import { acknowledgementMail, codeMail } from './privacy-mail';
import { PrivacyRequestEntity, receivedRequest } from './privacy-request.entity';
import { PrivacyWorkflow } from './privacy-workflow.service';

/** The request's `details` hold the ticket's subject and the user's messages, cut to the API's limit. */
const DETAILS_MAX = 4000;

@Injectable()
export class PrivacyTicketConverterService implements PrivacyTicketConverter {
  constructor(
    private readonly workflow: PrivacyWorkflow,
    private readonly notifications: NotificationsService,
  ) {}

  async convert(input: PrivacyConversionInput, manager: EntityManager): Promise<{ privacyRequestId: string }> {
    if (!(REQUEST_TYPES as readonly string[]).includes(input.type)) throw new ValidationFailedException({ type: `type must be one of ${REQUEST_TYPES.join(', ')}` });
    const type = input.type as RequestType;
    const now = new Date();
    const actor: AuditActor = { type: 'staff', id: input.staff.id, role: input.staff.role };
    const found = input.userId ? await manager.getRepository(UserEntity).findOneBy({ id: input.userId }) : null;
    const account = found && found.status !== 'deleted' ? found : null;
    const email = account?.email ?? input.email;
    if (!email) throw new ValidationFailedException({ type: 'The ticket has no address to answer the privacy request at.' });

    if (account) {
      // The user already has this request open: the ticket joins it rather than opening a duplicate.
      const open = await manager.getRepository(PrivacyRequestEntity).findOne({ where: { userId: account.id, type, status: In([...OPEN_STATUSES]) }, order: { receivedAt: 'ASC' } });
      if (open) {
        if (!open.ticketId) await manager.query(`UPDATE privacy_requests SET ticket_id = $2 WHERE id = $1`, [open.id, input.ticketId]);
        await this.workflow.addEvent(manager, open.id, 'duplicate_linked', actor, { body: 'A support ticket asking for the same was linked to this request.', visible: true, details: { ticketId: input.ticketId } });
        await this.workflow.record(manager, 'privacy_request.duplicate_linked', open, actor, { ticketId: input.ticketId });
        return { privacyRequestId: open.id };
      }
    }

    const region = account?.region ?? null;
    const details = `Support ticket: ${input.subject}\n\n${input.body}`.slice(0, DETAILS_MAX);
    const req = manager.getRepository(PrivacyRequestEntity).create(
      receivedRequest(
        randomUUID(),
        {
          type,
          requesterType: 'self',
          regimes: applicableRegimes({ regulation: null, region, requesterType: 'self' }),
          userId: account?.id ?? null,
          requesterUserId: account?.id ?? null,
          email,
          region,
          details,
          ticketId: input.ticketId,
          accessTokenHash: null,
        },
        now,
      ),
    );
    this.workflow.applyDeadlines(req, now);
    await manager.getRepository(PrivacyRequestEntity).insert(req);
    await this.workflow.addEvent(manager, req.id, 'transition', actor, { to: 'received', visible: true, at: now, details: { event: 'convert_from_ticket', ticketId: input.ticketId } });

    const facts = { id: req.id, type, to: email, userId: req.userId };
    const needsCode = !(account && !RECONFIRMED_TYPES.includes(type));
    const mails = [];
    if (needsCode) {
      req.verificationStage = 'requester';
      const code = this.workflow.issueCode(req, now);
      await this.workflow.transition(manager, req, 'await_identity', { actor, skipAudit: true }, now);
      mails.push(codeMail(facts, code, this.workflow.config.privacy.unverifiedExpiryDays, 'requester'));
    } else {
      req.verifiedAt = now;
      await this.workflow.transition(manager, req, 'verify', { actor, skipAudit: true, reason: 'Asked for in a support ticket written while signed in' }, now);
    }
    mails.unshift(acknowledgementMail(facts, req.dueAt, needsCode));
    for (const m of mails) await this.notifications.enqueue(m, manager);
    await this.workflow.record(manager, 'privacy_request.convert_from_ticket', req, actor, { ticketId: input.ticketId, regimes: req.regimes, dueOn: dayOf(req.dueAt), verified: !needsCode });
    return { privacyRequestId: req.id };
  }
}
