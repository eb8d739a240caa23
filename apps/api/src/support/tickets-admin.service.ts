import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { RequestType } from '@soar2/privacy';
import type { Request, Response } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { AuditService } from '../audit/audit.service';
import { AppAbility, record } from '../authz/ability';
import type { Action } from '../authz/permissions';
import { ColumnMap, accessibleSql } from '../authz/casl-sql';
import { ValidationFailedException } from '../errors/domain.exception';
import type { StaffPrincipal } from '../identity/auth.decorators';
import { recordHeldSql } from '../legal-holds/legal-hold-visibility';
import { LegalHoldsService } from '../legal-holds/legal-holds.service';
import { NotificationsService } from '../notifications/notifications.service';
import { SupportClock } from './support-clock.service';
import { SupportExtensions } from './support-extensions';
import { SupportException, TicketClosedException, TicketCollisionException, TicketNotFoundException } from './support.exception';
import {
  TICKET_CATEGORIES,
  TICKET_PRIORITIES,
  TICKET_STATUSES,
  TicketPriority,
  TicketStatus,
  addBusinessTime,
  priorityChangeAllowed,
  staffStatusChange,
  statusAfterStaffReply,
} from './support-rules';
import { AccountPanel, StaffTicketView, TICKET_COLUMNS, TicketRecord, TicketRow, attachmentView, staffMessageView, staffTicketView } from './ticket-view';
import { TicketsService } from './tickets.service';

export const TICKET_LIST_RULES: ListQueryRules = {
  sortable: ['createdAt', 'updatedAt', 'number', 'priority', 'status', 'firstResponseDueAt', 'resolutionDueAt'],
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'status', 'category', 'priority', 'assigneeId', 'unassigned', 'breached', 'userId', 'q'],
};

const SORT_COLUMNS: Record<string, string> = {
  createdAt: 't.created_at',
  updatedAt: 't.updated_at',
  number: 't.number',
  priority: `array_position(ARRAY['low','normal','high','urgent'], t.priority)`,
  status: 't.status',
  firstResponseDueAt: 't.first_response_due_at',
  resolutionDueAt: 't.resolution_due_at',
};

/** Rule fields → columns, for the SQL form of the caller's ticket rules. */
const TICKET_RULE_COLUMNS: ColumnMap = { id: 't.id', category: 't.category', userId: 't.user_id', status: 't.status', assigneeId: 't.assignee_id' };

/** Roles a ticket can be assigned to. */
const ASSIGNABLE_ROLES = ['support_agent', 'admin'];

function list<T extends string>(name: string, value: unknown, allowed: readonly T[], errors: Record<string, string>): T[] | undefined {
  if (value === undefined) return undefined;
  const values = Array.isArray(value) ? value : [value];
  if (!values.every((v) => typeof v === 'string' && (allowed as readonly string[]).includes(v))) {
    errors[name] = `${name} must be one of ${allowed.join(', ')} (or a list of them).`;
    return undefined;
  }
  return values as T[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL_RE = /^[^\s@]+@[^\s@]+$/;

/** What the inbox search accepts: subjects and bodies are encrypted (decision 019), so text search is impossible. */
export const TICKET_SEARCH_HINT = 'Search by ticket number (#1234), requester email address, or a ticket or user id: ticket text is encrypted and cannot be searched.';

/** The inbox search: a ticket number, an email (the requester's or the account's), or an id (ticket or user); null when it is none of them. */
export function ticketSearchSql(text: string, p: (v: unknown) => string): string | null {
  if (/^#?\d{1,18}$/.test(text)) return `t.number = ${p(Number(text.replace('#', '')))}`;
  if (UUID_RE.test(text)) {
    const id = p(text.toLowerCase());
    return `(t.id = ${id}::uuid OR t.user_id = ${id}::uuid)`;
  }
  if (EMAIL_RE.test(text)) {
    const email = p(text.toLowerCase());
    return `(t.requester_email = ${email} OR t.user_id IN (SELECT id FROM users WHERE email = ${email}))`;
  }
  return null;
}

/** Tickets as staff work them: the inbox, the conversation with notes, and every action audited in its transaction. */
@Injectable()
export class TicketsAdminService {
  private readonly logger = new Logger('Support');

  constructor(
    private readonly dataSource: DataSource,
    private readonly tickets: TicketsService,
    private readonly clock: SupportClock,
    private readonly extensions: SupportExtensions,
    private readonly notifications: NotificationsService,
    private readonly audit: AuditService,
    private readonly holds: LegalHoldsService,
  ) {}

  async list(q: ListQuery, ability: AppAbility): Promise<ListPage<StaffTicketView>> {
    const allowed = accessibleSql(ability, 'read', 'Ticket', TICKET_RULE_COLUMNS);
    if (!allowed) return new ListPage('tickets', [], q.skip, 0);
    const f = q.filter;
    const errors: Record<string, string> = {};
    const statuses = list('status', f.status, TICKET_STATUSES, errors);
    const categories = list('category', f.category, TICKET_CATEGORIES, errors);
    const priorities = list('priority', f.priority, TICKET_PRIORITIES, errors);
    const ids = f.id === undefined ? undefined : (Array.isArray(f.id) ? f.id : [f.id]).filter((v): v is string => typeof v === 'string' && UUID_RE.test(v));
    for (const key of ['assigneeId', 'userId'] as const) {
      if (f[key] !== undefined && (typeof f[key] !== 'string' || !UUID_RE.test(f[key]))) errors[key] = `${key} must be an id.`;
    }
    for (const key of ['unassigned', 'breached'] as const) {
      if (f[key] !== undefined && typeof f[key] !== 'boolean') errors[key] = `${key} must be true or false.`;
    }
    if (f.q !== undefined && (typeof f.q !== 'string' || f.q.length > 200)) errors.q = 'q must be text of at most 200 characters.';
    const search = typeof f.q === 'string' ? f.q.trim() : '';
    if (search && !errors.q && ticketSearchSql(search, () => '') === null) errors.q = TICKET_SEARCH_HINT;
    if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);

    const params: unknown[] = [];
    const p = (v: unknown): string => {
      params.push(v);
      return `$${params.length}`;
    };
    // accessibleSql uses named parameters; inline them as positional ones.
    let authzSql = allowed.sql;
    for (const [name, value] of Object.entries(allowed.params)) {
      authzSql = authzSql
        .replace(new RegExp(`NOT IN \\(:\\.\\.\\.${name}\\)`, 'g'), () => `<> ALL(${p(value)})`)
        .replace(new RegExp(`IN \\(:\\.\\.\\.${name}\\)`, 'g'), () => `= ANY(${p(value)})`)
        .replace(new RegExp(`:${name}\\b`, 'g'), () => p(value));
    }
    const where = [`(${authzSql})`];
    if (statuses) where.push(`t.status = ANY(${p(statuses)})`);
    if (categories) where.push(`t.category = ANY(${p(categories)})`);
    if (priorities) where.push(`t.priority = ANY(${p(priorities)})`);
    if (ids) where.push(`t.id = ANY(${p(ids)}::uuid[])`);
    if (typeof f.assigneeId === 'string') where.push(`t.assignee_id = ${p(f.assigneeId)}`);
    if (typeof f.userId === 'string') where.push(`t.user_id = ${p(f.userId)}`);
    if (f.unassigned === true) where.push('t.assignee_id IS NULL');
    if (f.unassigned === false) where.push('t.assignee_id IS NOT NULL');
    if (f.breached === true) where.push('(t.first_response_breached OR t.resolution_breached)');
    if (f.breached === false) where.push('NOT (t.first_response_breached OR t.resolution_breached)');
    if (search) where.push(ticketSearchSql(search, p) as string);
    const sql = where.join(' AND ');
    const order = `${SORT_COLUMNS[q.sortField] ?? 't.created_at'} ${q.sortOrder} NULLS LAST, t.id ${q.sortOrder}`;
    const countParams = [...params];
    const rows = (await this.dataSource.query(
      `SELECT ${TICKET_COLUMNS}, ${recordHeldSql({ userColumn: 't.user_id', ticketColumn: 't.id' })} AS "underHold" FROM support_tickets t WHERE ${sql} ORDER BY ${order} OFFSET ${p(q.skip)} LIMIT ${p(q.take)}`,
      params,
    )) as Array<TicketRecord & { underHold: boolean }>;
    const opened = await this.tickets.cipher.tickets(rows, 'lenient');
    const [{ total }] = (await this.dataSource.query(`SELECT count(*)::int AS total FROM support_tickets t WHERE ${sql}`, countParams)) as [{ total: number }];
    const ctx = await this.clock.context(this.dataSource.manager);
    return new ListPage('tickets', opened.map((t, i) => ({ ...staffTicketView(t, ctx), underHold: rows[i]?.underHold === true })), q.skip, total);
  }

  /** Active support agents and admins, by name. */
  async assignees(): Promise<Array<{ id: string; displayName: string; role: string }>> {
    return (await this.dataSource.query(
      `SELECT id, display_name AS "displayName", role FROM staff WHERE status = 'active' AND role = ANY($1) ORDER BY display_name, id`,
      [ASSIGNABLE_ROLES],
    )) as Array<{ id: string; displayName: string; role: string }>;
  }

  /** A ticket the caller may see, or 404 (a security report is "not found" to support agents, not forbidden). */
  private async visible(id: string, ability: AppAbility, manager: EntityManager, lock = false): Promise<TicketRow> {
    const t = await this.tickets.row(id, manager, lock);
    if (!t || !ability.can('read', record('Ticket', t))) throw new TicketNotFoundException();
    return t;
  }

  private must(ability: AppAbility, action: Action, t: TicketRow, message: string): void {
    if (!ability.can(action, record('Ticket', t))) throw new SupportException('TICKET_NOT_FOUND', HttpStatus.FORBIDDEN, message);
  }

  /** The whole ticket for the console: conversation with notes, attachments, account panel, credits, jobs and the legal holds covering it; recorded as ticket.read. */
  async get(id: string, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    const view = await this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager);
      const view = await this.detail(t, manager);
      await this.audit.record({ action: 'ticket.read', actor: actorOf(staff), subject: { type: 'ticket', id } }, manager);
      return view;
    });
    const legalHolds = await this.holds.coveringRecord({ userId: view.userId, ticketId: id }, ability);
    return { ...view, ...(await this.panels(view.userId)), legalHolds };
  }

  /** The conversation, opened strictly: a ticket whose data key was destroyed answers 410 DATA_KEY_DESTROYED. */
  private async detail(t: TicketRow, manager: EntityManager): Promise<StaffTicketView> {
    this.tickets.assertReadable(t);
    const ctx = await this.clock.context(manager);
    const [messages, attachments, account] = await Promise.all([this.tickets.messages(t, manager), this.tickets.attachments(t, manager), this.account(t.userId, manager)]);
    return { ...staffTicketView(t, ctx), messages: messages.map(staffMessageView), attachments: attachments.map(attachmentView), account };
  }

  private async account(userId: string | null, manager: EntityManager): Promise<AccountPanel | null> {
    if (!userId) return null;
    const [u] = (await manager.query(`SELECT id, email, display_name AS "displayName", status FROM users WHERE id = $1`, [userId])) as Array<{
      id: string;
      email: string;
      displayName: string | null;
      status: string;
    }>;
    if (!u) return null;
    const flags = await this.extensions.accountFlags(userId);
    if (u.status === 'pending_deletion' && !flags.some((f) => f.key === 'pending_deletion')) flags.push({ key: 'pending_deletion', label: 'Deletion pending' });
    return { ...u, restricted: u.status === 'restricted', flags };
  }

  private async panels(userId: string | null): Promise<Pick<StaffTicketView, 'credits' | 'recentJobs'>> {
    if (!userId) return {};
    const credits = this.extensions.creditsGateway;
    const jobs = this.extensions.jobs;
    return {
      credits: credits ? await credits.summary(userId) : { unavailable: 'The credit ledger is not installed in this build.' },
      recentJobs: jobs ? await jobs.recent(userId, 10) : { unavailable: 'Generation jobs are not installed in this build.' },
    };
  }

  /** Refuses when someone else wrote since the last message the agent saw. */
  private async checkCollision(t: TicketRow, lastSeen: string | null | undefined, staff: StaffPrincipal, manager: EntityManager): Promise<void> {
    if (lastSeen === undefined || t.lastMessageId === null || lastSeen === t.lastMessageId) return;
    const newer = (await manager.query(
      `SELECT m.id, m.author_staff_id AS "authorStaffId" FROM support_ticket_messages m
        WHERE m.ticket_id = $1 AND m.seq > COALESCE((SELECT seq FROM support_ticket_messages WHERE id = $2 AND ticket_id = $1), 0) ORDER BY m.seq`,
      [t.id, lastSeen],
    )) as Array<{ id: string; authorStaffId: string | null }>;
    const byOthers = newer.filter((m) => m.authorStaffId !== staff.id);
    if (byOthers.length > 0) throw new TicketCollisionException(byOthers.map((m) => m.id));
  }

  /** A public reply: emailed to the requester through the outbox (service-critical) in the same transaction. */
  async reply(id: string, dto: { body: string; lastSeenMessageId: string | null; status?: TicketStatus }, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager, true);
      this.must(ability, 'reply', t, 'Your role may not reply to this ticket.');
      const verdict = statusAfterStaffReply(t.status, dto.status);
      if (!verdict.ok) {
        if (t.status === 'closed') throw new TicketClosedException(verdict.message);
        throw new SupportException('TICKET_STATUS_CHANGE_NOT_ALLOWED', HttpStatus.CONFLICT, verdict.message);
      }
      this.tickets.assertReadable(t);
      await this.checkCollision(t, dto.lastSeenMessageId, staff, manager);
      const messageId = await this.tickets.addMessage(manager, { ticketId: id, owner: t.dataKeyOwner, kind: 'public_reply', authorType: 'staff', authorStaffId: staff.id, body: dto.body });
      const to = await this.recipient(t, manager);
      const notificationId = to
        ? await this.notifications.enqueue(
            {
              kind: 'support.reply',
              class: 'service_critical',
              to,
              userId: t.userId,
              subject: `Re: [#${t.number}] ${t.subject}`,
              text: [dto.body, '', '—', `Soar2 Support, ticket #${t.number}. Reply in the Soar2 app (Support) to continue the conversation.`].join('\n'),
            },
            manager,
          )
        : null;
      if (notificationId) await manager.query(`UPDATE support_ticket_messages SET notification_id = $2 WHERE id = $1`, [messageId, notificationId]);
      if (!t.firstRespondedAt) {
        await manager.query(
          `UPDATE support_tickets SET first_responded_at = now(), first_response_breached = first_response_breached OR (first_response_due_at IS NOT NULL AND now() > first_response_due_at) WHERE id = $1`,
          [id],
        );
      }
      if (verdict.to !== t.status) await this.tickets.applyStatus(t, verdict.to, manager);
      await this.audit.record(
        { action: 'ticket.reply', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { messageId, notificationId, before: { status: t.status }, after: { status: verdict.to } } },
        manager,
      );
      return this.detail((await this.tickets.row(id, manager)) as TicketRow, manager);
    });
  }

  private async recipient(t: TicketRow, manager: EntityManager): Promise<string | null> {
    if (t.userId) {
      const [u] = (await manager.query(`SELECT email, status FROM users WHERE id = $1`, [t.userId])) as Array<{ email: string; status: string }>;
      if (u && u.status !== 'deleted') return u.email;
    }
    return t.requesterEmail;
  }

  /** An internal note: never emailed, never shown through /v1. Allowed on closed tickets (for the record). */
  async note(id: string, dto: { body: string; lastSeenMessageId?: string | null }, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager, true);
      this.must(ability, 'note', t, 'Your role may not add notes to this ticket.');
      await this.checkCollision(t, dto.lastSeenMessageId, staff, manager);
      this.tickets.assertReadable(t);
      const messageId = await this.tickets.addMessage(manager, { ticketId: id, owner: t.dataKeyOwner, kind: 'internal_note', authorType: 'staff', authorStaffId: staff.id, body: dto.body });
      await this.audit.record({ action: 'ticket.note', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { messageId } }, manager);
      return this.detail((await this.tickets.row(id, manager)) as TicketRow, manager);
    });
  }

  /** Assigns to an active support agent or admin (security reports: admins only), or unassigns with null. */
  async assign(id: string, assigneeId: string | null, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager, true);
      this.must(ability, 'assign', t, 'Your role may not assign this ticket.');
      if (t.status === 'closed') throw new TicketClosedException('The ticket is closed; closed tickets are not reassigned.');
      if (assigneeId !== null) {
        const [s] = (await manager.query(`SELECT role, status FROM staff WHERE id = $1`, [assigneeId])) as Array<{ role: string; status: string }>;
        if (!s || s.status !== 'active' || !ASSIGNABLE_ROLES.includes(s.role)) {
          throw new SupportException('ASSIGNEE_NOT_AGENT', HttpStatus.UNPROCESSABLE_ENTITY, 'Tickets can be assigned to active support agents or admins only.');
        }
        if (t.category === 'security_report' && s.role !== 'admin') {
          throw new SupportException('ASSIGNEE_CANNOT_SEE_TICKET', HttpStatus.UNPROCESSABLE_ENTITY, 'Security reports are assigned to admins only: support agents cannot see them.');
        }
      }
      await manager.query(`UPDATE support_tickets SET assignee_id = $2, updated_at = now() WHERE id = $1`, [id, assigneeId]);
      await this.audit.record(
        { action: 'ticket.assign', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { before: { assigneeId: t.assigneeId }, after: { assigneeId } } },
        manager,
      );
      return this.detail((await this.tickets.row(id, manager)) as TicketRow, manager);
    });
  }

  async changeStatus(id: string, status: TicketStatus, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager, true);
      this.must(ability, 'update', t, 'Your role may not change this ticket.');
      const verdict = staffStatusChange(t.status, status);
      if (!verdict.ok) {
        if (t.status === 'closed') throw new TicketClosedException(verdict.message);
        throw new SupportException('TICKET_STATUS_CHANGE_NOT_ALLOWED', HttpStatus.CONFLICT, verdict.message);
      }
      if (verdict.to !== t.status) await this.tickets.applyStatus(t, verdict.to, manager);
      await this.audit.record(
        { action: 'ticket.status', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { before: { status: t.status }, after: { status: verdict.to } } },
        manager,
      );
      return this.detail((await this.tickets.row(id, manager)) as TicketRow, manager);
    });
  }

  /** A new priority re-times the SLA clocks from the ticket's opening under the new policy. */
  async changePriority(id: string, priority: TicketPriority, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager, true);
      this.must(ability, 'update', t, 'Your role may not change this ticket.');
      if (t.status === 'closed') throw new TicketClosedException('The ticket is closed; closed tickets do not change.');
      if (!priorityChangeAllowed(t.category, priority)) throw new SupportException('TICKET_PRIORITY_LOCKED', HttpStatus.CONFLICT, 'Security reports are always urgent.');
      const ctx = await this.clock.context(manager);
      const policy = ctx.policies.get(priority);
      const firstDue = policy ? addBusinessTime(t.createdAt, policy.firstResponseMinutes * 60_000, ctx.hours) : null;
      const resDue = policy ? addBusinessTime(t.createdAt, policy.resolutionMinutes * 60_000 + Number(t.pausedBusinessSeconds) * 1000, ctx.hours) : null;
      await manager.query(`UPDATE support_tickets SET priority = $2, first_response_due_at = $3, resolution_due_at = $4, updated_at = now() WHERE id = $1`, [
        id,
        priority,
        firstDue,
        resDue,
      ]);
      await this.audit.record(
        { action: 'ticket.priority', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { before: { priority: t.priority }, after: { priority } } },
        manager,
      );
      return this.detail((await this.tickets.row(id, manager)) as TicketRow, manager);
    });
  }

  /** Adjusts the ticket owner's credits through billing (its limits apply), referencing the ticket. */
  async adjustCredits(id: string, dto: { amount: number; reason: string; requestId: string }, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    const gateway = this.extensions.creditsGateway;
    const t = await this.visible(id, ability, this.dataSource.manager);
    if (!ability.can('create', record('CreditEntry', { kind: 'adjustment', userId: t.userId }))) {
      throw new SupportException('TICKET_NOT_FOUND', HttpStatus.FORBIDDEN, 'Your role may not adjust credits.');
    }
    if (!gateway) throw new SupportException('CREDITS_UNAVAILABLE', HttpStatus.NOT_IMPLEMENTED);
    if (!t.userId) throw new ValidationFailedException({ amount: 'This ticket has no user account to credit.' });
    if (dto.amount === 0) throw new ValidationFailedException({ amount: 'amount must not be 0' });
    await gateway.adjust({ userId: t.userId, amount: dto.amount, actor: actorOf(staff), reason: dto.reason, referenceType: 'support_ticket', referenceId: `${id}/${dto.requestId}` });
    return this.get(id, ability, staff);
  }

  /** Refunds a job linked to the ticket through the generation module (which owns the job's credits); audited as ticket.refund_job. */
  async refundJob(id: string, dto: { jobId: string; reason: string }, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    const resolver = this.extensions.jobs;
    const t = await this.visible(id, ability, this.dataSource.manager);
    if (!ability.can('refund', record('Generation', { userId: t.userId }))) throw new SupportException('TICKET_NOT_FOUND', HttpStatus.FORBIDDEN, 'Your role may not refund jobs.');
    if (!t.userId || !t.linkedJobIds.includes(dto.jobId)) throw new SupportException('JOB_NOT_LINKED', HttpStatus.UNPROCESSABLE_ENTITY);
    if (!resolver) throw new SupportException('JOB_REFUND_UNAVAILABLE', HttpStatus.NOT_IMPLEMENTED);
    const outcome = await resolver.refund({ userId: t.userId, jobId: dto.jobId, ticketId: id, reason: dto.reason, actor: actorOf(staff) });
    await this.dataSource.transaction(async (manager) => {
      await this.tickets.addMessage(manager, { ticketId: id, owner: t.dataKeyOwner, kind: 'system', authorType: 'system', body: `Job ${dto.jobId} refunded (${outcome.refunded} credits): ${dto.reason}` });
      await this.audit.record({ action: 'ticket.refund_job', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { jobId: dto.jobId, refunded: outcome.refunded } }, manager);
    });
    return this.get(id, ability, staff);
  }

  /** Hands a privacy ticket to the privacy module, which creates the request; the link is kept both ways. */
  async convertToPrivacyRequest(id: string, type: RequestType, ability: AppAbility, staff: StaffPrincipal): Promise<StaffTicketView> {
    const converter = this.extensions.privacyConverter;
    return this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager, true);
      if (!ability.can('create', 'PrivacyRequest') && !ability.can('update', record('Ticket', t))) {
        throw new SupportException('TICKET_NOT_FOUND', HttpStatus.FORBIDDEN, 'Your role may not convert this ticket.');
      }
      if (t.category !== 'privacy' || t.privacyRequestId) {
        throw new SupportException('PRIVACY_CONVERSION_NOT_ALLOWED', HttpStatus.CONFLICT, t.privacyRequestId ? 'This ticket is already linked to a privacy request.' : 'Only tickets in category privacy can be converted.');
      }
      if (!converter) throw new SupportException('PRIVACY_CONVERSION_UNAVAILABLE', HttpStatus.NOT_IMPLEMENTED);
      this.tickets.assertReadable(t);
      const messages = await this.tickets.messages(t, manager);
      const body = messages.filter((m) => m.kind === 'user_message').map((m) => m.body).join('\n\n');
      const { privacyRequestId } = await converter.convert(
        { ticketId: id, type, userId: t.userId, email: await this.recipient(t, manager), subject: t.subject, body, staff: { id: staff.id, role: staff.role } },
        manager,
      );
      await manager.query(`UPDATE support_tickets SET privacy_request_id = $2, updated_at = now() WHERE id = $1`, [id, privacyRequestId]);
      await this.tickets.addMessage(manager, { ticketId: id, owner: t.dataKeyOwner, kind: 'system', authorType: 'system', body: `Converted into privacy request ${privacyRequestId}.` });
      await this.audit.record({ action: 'ticket.convert_to_privacy_request', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { privacyRequestId, type } }, manager);
      return this.detail((await this.tickets.row(id, manager)) as TicketRow, manager);
    });
  }

  /** Staff download of an attachment (as a download, never inline): checks the ticket is visible; recorded as ticket.attachment_read. */
  async sendAttachment(id: string, attachmentId: string, ability: AppAbility, staff: StaffPrincipal, req: Request, res: Response): Promise<void> {
    const a = await this.dataSource.transaction(async (manager) => {
      const t = await this.visible(id, ability, manager);
      const row = await this.tickets.attachmentOf(t, attachmentId, manager);
      await this.audit.record({ action: 'ticket.attachment_read', actor: actorOf(staff), subject: { type: 'ticket', id }, details: { attachmentId } }, manager);
      return row;
    });
    await this.tickets.sendAttachment(a, req, res);
  }
}

export function actorOf(staff: StaffPrincipal): { type: 'staff'; id: string; role: string } {
  return { type: 'staff', id: staff.id, role: staff.role };
}
