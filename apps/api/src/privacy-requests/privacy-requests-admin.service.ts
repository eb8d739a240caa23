import { Injectable, Logger } from '@nestjs/common';
import { DENIAL_REASONS, DenialReason, REGIMES, REQUEST_STATUSES, REQUEST_TYPES, daysLeft, dayOf, eventsFrom, EXTENSION_WARNING_DAYS, FINAL_STATUSES, IllegalTransitionError } from '@soar2/privacy';
import type { Response, Request } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import type { AppAbility } from '../authz/ability';
import { ValidationFailedException } from '../errors/domain.exception';
import type { StaffPrincipal } from '../identity/auth.decorators';
import { StaffEntity } from '../identity/staff.entity';
import { UsersAdminService } from '../identity/users-admin.service';
import { NotificationsService } from '../notifications/notifications.service';
import { StorageService } from '../storage/storage.service';
import type { ApproveDto } from './dto/privacy-request.dto';
import { PrivacyFulfilmentService } from './privacy-fulfilment.service';
import { denialMail, extensionMail, statusMail } from './privacy-mail';
import { PrivacyRequestEntity, PrivacyRequestEventEntity } from './privacy-request.entity';
import { AccountNotFoundForRequestException, IllegalTransitionException, PrivacyRequestNotFoundException } from './privacy-requests.exception';
import { PrivacyNoticesService } from './privacy-notices.service';
import { PrivacyWorkflow } from './privacy-workflow.service';

const SORTABLE: Record<string, string> = { dueAt: 'r.due_at', receivedAt: 'r.received_at', status: 'r.status', type: 'r.type', statusChangedAt: 'r.status_changed_at', awaitingOfficerSince: 'r.awaiting_officer_since' };

export const PRIVACY_REQUEST_LIST_RULES: ListQueryRules = {
  sortable: Object.keys(SORTABLE),
  defaultSort: ['dueAt', 'ASC'],
  filterable: ['id', 'type', 'regime', 'status', 'assigneeId', 'open', 'overdue', 'awaitingOfficer', 'q', 'userId'],
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One row of the queue. */
export interface PrivacyRequestSummary {
  id: string;
  type: string;
  requesterType: string;
  regimes: string[];
  status: string;
  email: string | null;
  receivedAt: Date;
  dueAt: Date;
  daysLeft: number;
  overdue: boolean;
  /** Not extended, extensible, and the first deadline (when an extension must be noticed) is within a week. */
  extensionApproaching: boolean;
  extended: boolean;
  assigneeId: string | null;
  userId: string | null;
  duplicateOf: string | null;
  /** The requester wrote and no officer has answered or acted since. */
  awaitingOfficer: boolean;
  awaitingOfficerSince: Date | null;
}

export interface PrivacyRequestDetail extends PrivacyRequestSummary {
  /** The support ticket this request was converted from, if any. */
  ticketId: string | null;
  subjectEmail: string | null;
  region: string | null;
  details: string | null;
  proposedChanges: Record<string, string | null> | null;
  appliedChanges: Record<string, string | null> | null;
  denialReason: string | null;
  denialText: string | null;
  extensionReason: string | null;
  extensionNoticeBy: string;
  acknowledgeBy: string | null;
  clockStops: PrivacyRequestEntity['clockStops'];
  deadlines: { source: string; basis: string; respondBy: string; extendedRespondBy: string | null; acknowledgeBy: string | null }[];
  governedBy: string;
  verifiedAt: Date | null;
  hasProof: boolean;
  parentEvidence: PrivacyRequestEntity['parentEvidence'];
  fulfilment: PrivacyRequestEntity['fulfilment'];
  completedAt: Date | null;
  allowedActions: string[];
  timeline: { id: string; at: Date; kind: string; fromStatus: string | null; toStatus: string | null; actorType: string; actorId: string | null; body: string | null; visibleToRequester: boolean }[];
}

function staffActor(staff: StaffPrincipal): AuditActor {
  return { type: 'staff', id: staff.id, role: staff.role };
}

function listOf(value: unknown, allowed: readonly string[], field: string): string[] | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const values = Array.isArray(value) ? value : [value];
  const bad = values.find((v) => typeof v !== 'string' || !allowed.includes(v));
  if (bad !== undefined) throw new ValidationFailedException({ [`filter.${field}`]: `Filter ${field} must be one of ${allowed.join(', ')}.` });
  return values as string[];
}

/**
 * The privacy officer's console: the queue with deadlines and flags, the detail with its timeline,
 * and every workflow action (assign, approve, deny, extend, hold, resume, message, retry, lift a
 * restriction), each in one transaction with its timeline event and audit entry.
 */
@Injectable()
export class PrivacyRequestsAdminService {
  private readonly logger = new Logger('PrivacyRequests');

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: PrivacyWorkflow,
    private readonly notifications: NotificationsService,
    private readonly fulfilment: PrivacyFulfilmentService,
    private readonly usersAdmin: UsersAdminService,
    private readonly storage: StorageService,
    private readonly notices: PrivacyNoticesService,
  ) {}

  async list(q: ListQuery, now = new Date()): Promise<ListPage<PrivacyRequestSummary>> {
    const f = q.filter;
    const qb = this.dataSource.getRepository(PrivacyRequestEntity).createQueryBuilder('r');
    const types = listOf(f.type, REQUEST_TYPES, 'type');
    const statuses = listOf(f.status, REQUEST_STATUSES, 'status');
    const regimes = listOf(f.regime, REGIMES, 'regime');
    if (types) qb.andWhere('r.type IN (:...types)', { types });
    if (statuses) qb.andWhere('r.status IN (:...statuses)', { statuses });
    if (regimes) qb.andWhere('r.regimes && :regimes::text[]', { regimes });
    if (f.id !== undefined) {
      const ids = (Array.isArray(f.id) ? f.id : [f.id]).filter((v): v is string => typeof v === 'string' && UUID.test(v));
      qb.andWhere('r.id IN (:...ids)', { ids: ids.length ? ids : ['00000000-0000-0000-0000-000000000000'] });
    }
    if (f.assigneeId === null || f.assigneeId === 'none') qb.andWhere('r.assignee_id IS NULL');
    else if (typeof f.assigneeId === 'string') {
      if (!UUID.test(f.assigneeId)) throw new ValidationFailedException({ 'filter.assigneeId': 'Filter assigneeId must be a staff id or "none".' });
      qb.andWhere('r.assignee_id = :assigneeId', { assigneeId: f.assigneeId });
    }
    if (typeof f.userId === 'string' && UUID.test(f.userId)) qb.andWhere('r.user_id = :userId', { userId: f.userId });
    if (f.open === true || f.open === 'true') qb.andWhere('r.status NOT IN (:...final)', { final: FINAL_STATUSES });
    if (f.overdue === true || f.overdue === 'true') qb.andWhere('r.status NOT IN (:...final) AND r.due_at < :now', { final: FINAL_STATUSES, now });
    if (f.awaitingOfficer === true || f.awaitingOfficer === 'true') qb.andWhere('r.awaiting_officer_since IS NOT NULL');
    else if (f.awaitingOfficer === false || f.awaitingOfficer === 'false') qb.andWhere('r.awaiting_officer_since IS NULL');
    if (typeof f.q === 'string' && f.q.trim()) qb.andWhere('(r.email ILIKE :q OR r.subject_email ILIKE :q OR r.id::text ILIKE :q)', { q: `%${f.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%` });
    qb.orderBy(SORTABLE[q.sortField] ?? 'r.due_at', q.sortOrder, q.sortField === 'awaitingOfficerSince' ? 'NULLS LAST' : undefined).addOrderBy('r.id', q.sortOrder);
    const [rows, total] = await qb.offset(q.skip).limit(q.take).getManyAndCount();
    return new ListPage('privacy-requests', rows.map((r) => this.summary(r, now)), q.skip, total);
  }

  summary(r: PrivacyRequestEntity, now = new Date()): PrivacyRequestSummary {
    const today = dayOf(now);
    const open = !FINAL_STATUSES.includes(r.status);
    const d = this.workflow.deadlinesOf(r, now);
    const left = daysLeft(dayOf(r.dueAt), today);
    return {
      id: r.id,
      type: r.type,
      requesterType: r.requesterType,
      regimes: r.regimes,
      status: r.status,
      email: r.email,
      receivedAt: r.receivedAt,
      dueAt: r.dueAt,
      daysLeft: left,
      overdue: open && r.status !== 'awaiting_erasure' && now.getTime() > r.dueAt.getTime(),
      extensionApproaching: open && r.extendedAt === null && d.extensible && daysLeft(d.extensionNoticeBy, today) >= 0 && daysLeft(d.extensionNoticeBy, today) <= EXTENSION_WARNING_DAYS,
      extended: r.extendedAt !== null,
      assigneeId: r.assigneeId,
      userId: r.userId,
      duplicateOf: r.duplicateOf,
      awaitingOfficer: r.awaitingOfficerSince !== null,
      awaitingOfficerSince: r.awaitingOfficerSince,
    };
  }

  /** One request with its deadlines and the full timeline; the read is audited. */
  async get(id: string, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.dataSource.transaction(async (manager) => {
      const r = await manager.getRepository(PrivacyRequestEntity).findOneBy({ id });
      if (!r) throw new PrivacyRequestNotFoundException();
      const detail = await this.detail(r, manager);
      await this.workflow.record(manager, 'privacy_request.read', r, staffActor(staff));
      return detail;
    });
  }

  private async detail(r: PrivacyRequestEntity, manager: EntityManager, now = new Date()): Promise<PrivacyRequestDetail> {
    const d = this.workflow.deadlinesOf(r, now);
    const events = await manager.getRepository(PrivacyRequestEventEntity).find({ where: { requestId: r.id }, order: { id: 'ASC' } });
    return {
      ...this.summary(r, now),
      ticketId: r.ticketId,
      subjectEmail: r.subjectEmail,
      region: r.region,
      details: r.details,
      proposedChanges: r.proposedChanges,
      appliedChanges: r.appliedChanges,
      denialReason: r.denialReason,
      denialText: r.denialText,
      extensionReason: r.extensionReason,
      extensionNoticeBy: r.extensionNoticeBy,
      acknowledgeBy: r.acknowledgeBy,
      clockStops: r.clockStops,
      deadlines: d.sources.map((s) => ({ source: s.source, basis: s.basis, respondBy: s.respondBy, extendedRespondBy: s.extendedRespondBy, acknowledgeBy: s.acknowledgeBy })),
      governedBy: d.governedBy,
      verifiedAt: r.verifiedAt,
      hasProof: r.proofStorageKey !== null,
      parentEvidence: r.parentEvidence,
      fulfilment: r.fulfilment,
      completedAt: r.completedAt,
      allowedActions: [...eventsFrom(r.status), ...(r.type === 'restriction' && r.status === 'completed' ? ['lift_restriction'] : []), ...(r.email ? ['message'] : [])],
      timeline: events.map((e) => ({ id: e.id, at: e.at, kind: e.kind, fromStatus: e.fromStatus, toStatus: e.toStatus, actorType: e.actorType, actorId: e.actorId, body: e.body, visibleToRequester: e.visibleToRequester })),
    };
  }

  private async act(id: string, staff: StaffPrincipal, fn: (manager: EntityManager, r: PrivacyRequestEntity, actor: AuditActor) => Promise<void>): Promise<PrivacyRequestDetail> {
    const detail = await this.dataSource.transaction(async (manager) => {
      const r = await this.workflow.lock(id, manager);
      await fn(manager, r, staffActor(staff));
      return this.detail(r, manager);
    });
    this.logger.log({ requestId: id, staffId: staff.id, status: detail.status }, 'privacy request action');
    return detail;
  }

  private facts(r: PrivacyRequestEntity): { id: string; type: PrivacyRequestEntity['type']; to: string; userId: string | null } {
    return { id: r.id, type: r.type, to: r.email ?? '', userId: r.userId };
  }

  assign(id: string, assigneeId: string | undefined, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.act(id, staff, async (manager, r, actor) => {
      const target = assigneeId ?? staff.id;
      const member = await manager.getRepository(StaffEntity).findOneBy({ id: target });
      if (!member || member.status !== 'active') throw new ValidationFailedException({ assigneeId: 'AssigneeId must be an active staff member.' });
      const before = r.assigneeId;
      r.assigneeId = target;
      await manager.getRepository(PrivacyRequestEntity).save(r);
      await this.workflow.addEvent(manager, r.id, 'assignment', actor, { details: { before, after: target } });
      if (r.status === 'verified') await this.workflow.transition(manager, r, 'review', { actor, skipAudit: true, visibleToRequester: true, reason: 'A privacy officer is reviewing your request.' });
      await this.workflow.record(manager, 'privacy_request.assign', r, actor, { before, after: target });
    });
  }

  async approve(id: string, dto: ApproveDto, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    const detail = await this.act(id, staff, async (manager, r, actor) => {
      if (!r.userId) {
        // Checked before the state machine so that the officer is told what to do instead.
        if (r.status === 'verified' || r.status === 'in_review') throw new AccountNotFoundForRequestException();
      }
      if (r.type === 'correction') r.appliedChanges = dto.changes ? { ...dto.changes } : r.proposedChanges;
      if (r.status === 'verified') await this.workflow.transition(manager, r, 'review', { actor, skipAudit: true });
      await this.workflow.transition(manager, r, 'approve', { actor, details: r.type === 'correction' ? { changes: r.appliedChanges ?? {} } : {} });
    });
    await this.fulfilment.schedule(id, staff);
    return detail;
  }

  deny(id: string, reasonCode: string, text: string, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.act(id, staff, async (manager, r, actor) => {
      r.denialReason = (DENIAL_REASONS as readonly string[]).includes(reasonCode) ? (reasonCode as DenialReason) : null;
      r.denialText = text;
      r.completedAt = new Date();
      await this.workflow.transition(manager, r, 'deny', { actor, denialReason: reasonCode, reason: text, details: { reasonCode } });
      if (r.email) await this.notifications.enqueue(denialMail(this.facts(r), r.regimes, reasonCode as DenialReason, text), manager);
      if (r.requesterType === 'parent' && r.userId) await this.liftChildSuspension(manager, r, actor);
    });
  }

  /** A denied parent request lifts the suspension it caused (the child keeps the account). */
  private async liftChildSuspension(manager: EntityManager, r: PrivacyRequestEntity, actor: AuditActor): Promise<void> {
    const rows: Array<{ status: string }> = await manager.query(`UPDATE users SET status = 'active', updated_at = now() WHERE id = $1 AND status = 'suspended' RETURNING status`, [r.userId]);
    if (rows.length) await this.workflow.addEvent(manager, r.id, 'note', actor, { body: 'The child’s account suspension is lifted.', details: { userId: r.userId } });
  }

  extend(id: string, reason: string, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.act(id, staff, async (manager, r, actor) => {
      const before = r.dueAt;
      const now = new Date();
      // The guard (once, before the first deadline, a regime allows it) runs first, on the unextended request.
      await this.workflow.transition(manager, r, 'extend', { actor, reason, skipAudit: true }, now);
      r.extendedAt = now;
      r.extensionReason = reason;
      this.workflow.applyDeadlines(r, now);
      await manager.getRepository(PrivacyRequestEntity).save(r);
      if (r.email) await this.notifications.enqueue(extensionMail(this.facts(r), reason, r.dueAt), manager);
      await this.workflow.record(manager, 'privacy_request.extend', r, actor, { before: before.toISOString(), after: r.dueAt.toISOString() });
    });
  }

  /** Puts the request on hold and stops the clock, telling the requester why (usually: waiting for them). */
  hold(id: string, reason: string, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.act(id, staff, async (manager, r, actor) => {
      const now = new Date();
      const from = r.status;
      await this.workflow.transition(manager, r, 'hold', { actor, reason, skipAudit: true }, now);
      r.heldFrom = from;
      r.clockStops = [...r.clockStops, { from: dayOf(now), to: null, reason }];
      this.workflow.applyDeadlines(r, now);
      await manager.getRepository(PrivacyRequestEntity).save(r);
      if (r.email) await this.notifications.enqueue(statusMail(this.facts(r), 'request_on_hold', 'Your privacy request is on hold', [`Your request (reference ${r.id}) is on hold, and its deadline is paused, for this reason:`, '', reason]), manager);
      await this.workflow.record(manager, 'privacy_request.hold', r, actor, { heldFrom: from });
    });
  }

  resume(id: string, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    let approved = false;
    const result = this.act(id, staff, async (manager, r, actor) => {
      const now = new Date();
      await this.workflow.transition(manager, r, 'resume', { actor, skipAudit: true, reason: 'The request is handled again.' }, now);
      r.heldFrom = null;
      r.clockStops = r.clockStops.map((s) => (s.to === null ? { ...s, to: dayOf(now) } : s));
      this.workflow.applyDeadlines(r, now);
      await manager.getRepository(PrivacyRequestEntity).save(r);
      approved = r.status === 'approved';
      await this.workflow.record(manager, 'privacy_request.resume', r, actor, { dueAt: r.dueAt.toISOString() });
    });
    return result.then(async (detail) => {
      if (approved) await this.fulfilment.schedule(id, staff);
      return detail;
    });
  }

  /** A message to the requester: emailed, and shown on their status page, where they can reply. */
  message(id: string, body: string, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.act(id, staff, async (manager, r, actor) => {
      if (!r.email) throw new IllegalTransitionException(new IllegalTransitionError(r.status, 'hold', 'The requester’s address was erased; no message can reach them.'));
      await this.workflow.addEvent(manager, r.id, 'message_to_requester', actor, { body, visible: true });
      await this.notices.officerActed(manager, r);
      await this.notifications.enqueue(statusMail(this.facts(r), 'request_message', 'A message about your privacy request', [`About your request (reference ${r.id}):`, '', body]), manager);
      await this.workflow.record(manager, 'privacy_request.message_sent', r, actor, { length: body.length });
    });
  }

  /** Runs a failed fulfilment again (failed → executing). */
  async retry(id: string, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    const detail = await this.act(id, staff, async (manager, r, actor) => {
      await this.workflow.transition(manager, r, 'retry', { actor, visibleToRequester: false });
    });
    await this.fulfilment.schedule(id, staff);
    return detail;
  }

  /**
   * Lifts the restriction a completed restriction request set. Identity's unrestrict queues the
   * user's notice in the same transaction as the lift (GDPR Art. 18(3)), so no lift goes unnoticed.
   */
  async liftRestriction(id: string, reason: string, ability: AppAbility, staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    const r = await this.dataSource.getRepository(PrivacyRequestEntity).findOneBy({ id });
    if (!r) throw new PrivacyRequestNotFoundException();
    if (r.type !== 'restriction' || r.status !== 'completed' || !r.userId)
      throw new IllegalTransitionException(new IllegalTransitionError(r.status, 'complete', 'Only a completed restriction request has a restriction to lift.'));
    await this.usersAdmin.changeStatus(r.userId, 'unrestrict', `Privacy request ${r.id}: ${reason}`.slice(0, 500), ability, staff);
    return this.act(id, staff, async (manager, locked, actor) => {
      await this.workflow.addEvent(manager, locked.id, 'note', actor, { body: 'The restriction is lifted; you were told before it took effect.', visible: true, details: { reason } });
      await this.workflow.record(manager, 'privacy_request.restriction_lifted', locked, actor, {});
    });
  }

  /** Streams an authorized agent's proof document; every view is audited. */
  async sendProof(id: string, staff: StaffPrincipal, req: Request, res: Response): Promise<void> {
    const r = await this.dataSource.getRepository(PrivacyRequestEntity).findOneBy({ id });
    if (!r || !r.proofStorageKey) throw new PrivacyRequestNotFoundException();
    await this.workflow.record(this.dataSource.manager, 'privacy_request.proof_read', r, staffActor(staff));
    await this.storage.sendObject(req, res, r.proofStorageKey);
  }
}
