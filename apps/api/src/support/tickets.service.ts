import { randomUUID } from 'node:crypto';
import { HttpStatus, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { StorageService } from '../storage/storage.service';
import { SupportClock } from './support-clock.service';
import { SupportException, TicketClosedException, TicketNotFoundException } from './support.exception';
import {
  AttachmentType,
  GuestCategory,
  MAX_ATTACHMENT_BYTES,
  TicketCategory,
  addBusinessTime,
  businessTimeBetween,
  initialPriority,
  judgeAttachment,
  safeFileName,
  statusAfterUserMessage,
} from './support-rules';
import { SupportExtensions } from './support-extensions';
import type { UploadedAttachment } from './attachment-upload';
import { ReadMode, SupportCipher, bodyContext, fileNameContext, subjectContext } from './support-cipher';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import {
  ATTACHMENT_COLUMNS,
  AttachmentRecord,
  AttachmentRow,
  MESSAGE_COLUMNS,
  MessageKind,
  MessageRecord,
  MessageRow,
  TICKET_COLUMNS,
  TicketRecord,
  TicketRow,
  UserTicketView,
  userTicketView,
} from './ticket-view';

export interface NewTicket {
  userId: string | null;
  requesterEmail: string | null;
  channel: 'api' | 'guest_email';
  subject: string;
  body: string;
  category: TicketCategory | GuestCategory;
  jobIds: string[];
}

/** The tickets as their owners (end users) see and write them; shared row helpers for the console side. */
@Injectable()
export class TicketsService {
  private readonly logger = new Logger('Support');

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: SupportClock,
    private readonly extensions: SupportExtensions,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
    readonly cipher: SupportCipher,
  ) {}

  // ------------------------------------------------------------------ rows

  /** The ticket with its subject opened leniently (ERASED_TEXT and contentState when it cannot be read). */
  async row(id: string, manager: EntityManager, lock = false): Promise<TicketRow | undefined> {
    const rows = (await manager.query(`SELECT ${TICKET_COLUMNS} FROM support_tickets t WHERE t.id = $1${lock ? ' FOR UPDATE' : ''}`, [id])) as TicketRecord[];
    return rows[0] && this.cipher.ticket(rows[0], 'lenient', manager);
  }

  /** Where the conversation is asked for: a ticket whose data key was destroyed answers 410 DATA_KEY_DESTROYED. */
  assertReadable(t: TicketRow): void {
    if (t.contentState === 'destroyed') throw new DataKeyDestroyedException();
  }

  async messages(t: Pick<TicketRow, 'id' | 'dataKeyOwner'>, manager: EntityManager, mode: ReadMode = 'strict'): Promise<MessageRow[]> {
    const rows = (await manager.query(
      `SELECT ${MESSAGE_COLUMNS} FROM support_ticket_messages m LEFT JOIN staff s ON s.id = m.author_staff_id WHERE m.ticket_id = $1 ORDER BY m.seq`,
      [t.id],
    )) as MessageRecord[];
    return this.cipher.messages(t.dataKeyOwner, rows, mode, manager);
  }

  async attachments(t: Pick<TicketRow, 'id' | 'dataKeyOwner'>, manager: EntityManager, mode: ReadMode = 'strict'): Promise<AttachmentRow[]> {
    const rows = (await manager.query(`SELECT ${ATTACHMENT_COLUMNS} FROM support_ticket_attachments a WHERE a.ticket_id = $1 ORDER BY a.created_at, a.id`, [t.id])) as AttachmentRecord[];
    return this.cipher.attachments(t.dataKeyOwner, rows, mode, manager);
  }

  /** Adds a message, its body sealed with the ticket's data key (`owner`). */
  async addMessage(
    manager: EntityManager,
    m: { ticketId: string; owner: string; kind: MessageKind; authorType: MessageRow['authorType']; authorUserId?: string | null; authorStaffId?: string | null; body: string },
  ): Promise<string> {
    const id = randomUUID();
    const sealed = await this.cipher.seal(m.owner, m.body, bodyContext(id), manager);
    await manager.query(
      `INSERT INTO support_ticket_messages (id, ticket_id, kind, author_type, author_user_id, author_staff_id, body_sealed) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [id, m.ticketId, m.kind, m.authorType, m.authorUserId ?? null, m.authorStaffId ?? null, sealed],
    );
    await manager.query(`UPDATE support_tickets SET last_message_id = $2, updated_at = now() WHERE id = $1`, [m.ticketId, id]);
    return id;
  }

  // ------------------------------------------------------------------ creation

  /** Opens a ticket (API or verified guest), with SLA due times and optional round-robin assignment. */
  async create(t: NewTicket, manager: EntityManager, ticketId: string = randomUUID()): Promise<TicketRow> {
    const jobIds = [...new Set(t.jobIds)];
    if (jobIds.length > 0) await this.checkOwnJobs(t.userId, jobIds, manager);
    const category = t.category as TicketCategory;
    const priority = initialPriority(category);
    const ctx = await this.clock.context(manager);
    const policy = ctx.policies.get(priority);
    const firstDue = policy ? addBusinessTime(ctx.now, policy.firstResponseMinutes * 60_000, ctx.hours) : null;
    const resolutionDue = policy ? addBusinessTime(ctx.now, policy.resolutionMinutes * 60_000, ctx.hours) : null;
    const assigneeId = this.clock.config.support.roundRobin ? await this.nextAgent(category, manager) : null;
    const id = ticketId;
    // A guest without an account gets a key of the ticket's own (destroyed when the ticket is anonymised).
    const owner = t.userId ?? id;
    const subject = await this.cipher.seal(owner, t.subject, subjectContext(id), manager);
    await manager.query(
      `INSERT INTO support_tickets (id, user_id, requester_email, channel, subject_sealed, data_key_owner, text_sealed, category, priority, assignee_id, linked_job_ids,
         first_response_due_at, resolution_due_at, created_at, updated_at)
       VALUES ($1,$2,$3,$4,$5,$6,true,$7,$8,$9,$10,$11,$12,$13,$13)`,
      [id, t.userId, t.requesterEmail, t.channel, subject, owner, category, priority, assigneeId, jobIds, firstDue, resolutionDue, ctx.now],
    );
    await this.addMessage(manager, { ticketId: id, owner, kind: 'user_message', authorType: t.userId ? 'user' : 'requester', authorUserId: t.userId, body: t.body });
    return (await this.row(id, manager)) as TicketRow;
  }

  /** Linked jobs must be the user's own; without the generation module nothing can be checked, so nothing is linked. */
  private async checkOwnJobs(userId: string | null, jobIds: string[], manager: EntityManager): Promise<void> {
    const resolver = this.extensions.jobs;
    if (!userId || !resolver) {
      throw new SupportException('LINKED_JOB_NOT_FOUND', HttpStatus.UNPROCESSABLE_ENTITY, 'Jobs cannot be linked to this ticket: none of the given ids is one of your generation jobs.');
    }
    const own = new Set(await resolver.ownedBy(userId, jobIds, manager));
    const foreign = jobIds.filter((j) => !own.has(j));
    if (foreign.length > 0) {
      throw new SupportException('LINKED_JOB_NOT_FOUND', HttpStatus.UNPROCESSABLE_ENTITY, `These job ids are not among your generation jobs: ${foreign.join(', ')}.`);
    }
  }

  /** Round-robin: the active agent whose last assignment is oldest (security reports go to admins). */
  private async nextAgent(category: TicketCategory, manager: EntityManager): Promise<string | null> {
    const roles = category === 'security_report' ? ['admin'] : ['support_agent'];
    const rows = (await manager.query(
      `SELECT s.id FROM staff s
         LEFT JOIN LATERAL (SELECT max(created_at) AS last FROM support_tickets WHERE assignee_id = s.id) a ON TRUE
        WHERE s.role = ANY($1) AND s.status = 'active'
        ORDER BY a.last ASC NULLS FIRST, s.id LIMIT 1`,
      [roles],
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }

  // ------------------------------------------------------------------ end users

  async createForUser(
    userId: string,
    dto: { subject: string; body: string; category: TicketCategory; jobIds?: string[] },
    files: readonly UploadedAttachment[] = [],
  ): Promise<UserTicketView> {
    const judged = this.judgeUploads(files);
    await this.cipher.ensureKey(userId);
    const ticket = await this.storeWith(judged, userId, async (manager) => {
      const t = await this.create({ userId, requesterEmail: null, channel: 'api', subject: dto.subject, body: dto.body, category: dto.category, jobIds: dto.jobIds ?? [] }, manager);
      await this.audit.record(
        {
          action: 'ticket.create',
          actor: { type: 'user', id: userId },
          subject: { type: 'ticket', id: t.id },
          details: { category: t.category, priority: t.priority, attachments: judged.length },
        },
        manager,
      );
      return { ticketId: t.id, messageId: t.lastMessageId, userId, result: t };
    });
    this.logger.log({ ticketId: ticket.id, category: ticket.category }, 'ticket opened');
    return this.getForUser(userId, ticket.id);
  }

  async listForUser(userId: string): Promise<UserTicketView[]> {
    const rows = (await this.dataSource.query(`SELECT ${TICKET_COLUMNS} FROM support_tickets t WHERE t.user_id = $1 ORDER BY t.created_at DESC LIMIT 200`, [userId])) as TicketRecord[];
    return (await this.cipher.tickets(rows, 'lenient')).map((t) => userTicketView(t));
  }

  /** One of the user's tickets; anyone else's answers 404, exactly like a ticket that does not exist. */
  async getForUser(userId: string, id: string): Promise<UserTicketView> {
    const manager = this.dataSource.manager;
    const t = await this.row(id, manager);
    if (!t || t.userId !== userId) throw new TicketNotFoundException();
    this.assertReadable(t);
    const [messages, attachments] = await Promise.all([this.messages(t, manager), this.attachments(t, manager)]);
    return userTicketView(t, messages, attachments);
  }

  /** A user's message (with optional attachments): reopens pending or solved tickets; closed ones refuse it; other users' tickets are 404. */
  async postUserMessage(userId: string, id: string, body: string, files: readonly UploadedAttachment[] = []): Promise<UserTicketView> {
    const judged = this.judgeUploads(files);
    await this.storeWith(judged, userId, async (manager) => {
      const t = await this.row(id, manager, true);
      // A user's own tickets are sealed with their key (storeWith sealed the files with it).
      if (!t || t.userId !== userId || t.dataKeyOwner !== userId) throw new TicketNotFoundException();
      this.assertReadable(t);
      const verdict = statusAfterUserMessage(t.status);
      if (!verdict.ok) throw new TicketClosedException(verdict.message);
      const messageId = await this.addMessage(manager, { ticketId: id, owner: t.dataKeyOwner, kind: 'user_message', authorType: 'user', authorUserId: userId, body });
      if (verdict.to !== t.status) await this.applyStatus(t, verdict.to, manager);
      await manager.query(`UPDATE support_tickets SET last_user_reply_at = now() WHERE id = $1`, [id]);
      await this.audit.record(
        {
          action: 'ticket.user_message',
          actor: { type: 'user', id: userId },
          subject: { type: 'ticket', id },
          details: { messageId, attachments: judged.length, before: { status: t.status }, after: { status: verdict.to } },
        },
        manager,
      );
      return { ticketId: id, messageId, userId, result: undefined };
    });
    return this.getForUser(userId, id);
  }

  /**
   * Moves a ticket to a new status with the SLA bookkeeping: pending pauses the resolution clock
   * (its business time is added back on leaving), solved stamps solvedAt and judges resolution,
   * reopening clears it, closed stamps closedAt. Transition rules are checked by the caller.
   */
  async applyStatus(t: TicketRow, to: TicketRow['status'], manager: EntityManager): Promise<void> {
    const ctx = await this.clock.context(manager);
    let pausedSeconds = Number(t.pausedBusinessSeconds);
    let pausedSince = t.pausedSince;
    if (t.status === 'pending' && to !== 'pending' && pausedSince) {
      pausedSeconds += Math.floor(businessTimeBetween(pausedSince, ctx.now, ctx.hours) / 1000);
      pausedSince = null;
    }
    if (t.status !== 'pending' && to === 'pending') pausedSince = ctx.now;
    const policy = ctx.policies.get(t.priority);
    const resolutionDue = policy ? addBusinessTime(t.createdAt, policy.resolutionMinutes * 60_000 + pausedSeconds * 1000, ctx.hours) : t.resolutionDueAt;
    const solvedAt = to === 'solved' ? ctx.now : to === 'closed' ? (t.solvedAt ?? ctx.now) : null;
    const resolutionBreached = t.resolutionBreached || (to === 'solved' && resolutionDue !== null && ctx.now.getTime() > resolutionDue.getTime());
    await manager.query(
      `UPDATE support_tickets SET status = $2, paused_since = $3, paused_business_seconds = $4, resolution_due_at = $5, solved_at = $6,
          closed_at = CASE WHEN $2 = 'closed' THEN now() ELSE NULL END, resolution_breached = $7, updated_at = now()
        WHERE id = $1`,
      [t.id, to, pausedSince, pausedSeconds, resolutionDue, solvedAt, resolutionBreached],
    );
  }

  // ------------------------------------------------------------------ attachments

  /** Judges every upload before anything is stored, so that one bad file changes nothing. */
  judgeUploads(files: readonly UploadedAttachment[]): Array<{ file: UploadedAttachment; type: AttachmentType }> {
    return files.map((file) => {
      const verdict = judgeAttachment(file.mimetype, file.buffer);
      if (!verdict.ok) throw new SupportException(verdict.code, verdict.code === 'ATTACHMENT_TOO_LARGE' ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.UNSUPPORTED_MEDIA_TYPE, verdict.message);
      return { file, type: verdict.type };
    });
  }

  /**
   * Stores judged uploads sealed with `owner`'s data key (storage's sealed stream, decision 018),
   * then runs `work` and records the attachments (names sealed) in that same transaction; the
   * objects are removed again when the transaction fails. Size and SHA-256 on the row are the file's
   * own (plaintext, computed while sealing); storage keeps the sealed bytes' SHA-256 as its ETag.
   */
  private async storeWith<T>(
    judged: Array<{ file: UploadedAttachment; type: AttachmentType }>,
    owner: string,
    work: (manager: EntityManager) => Promise<{ ticketId: string; messageId: string | null; userId: string | null; result: T }>,
  ): Promise<T> {
    const stored: Array<{ id: string; key: string; size: number; sha256: string; type: AttachmentType; name: string }> = [];
    try {
      for (const { file, type } of judged) {
        const id = randomUUID();
        const key = `support/attachments/${id}`;
        const object = await this.storage.put(key, file.buffer, { contentType: type, maxBytes: MAX_ATTACHMENT_BYTES, sealFor: owner });
        const { size, sha256 } = object.plaintext ?? object;
        stored.push({ id, key, size, sha256, type, name: safeFileName(file.originalname, type) });
      }
      return await this.dataSource.transaction(async (manager) => {
        const { ticketId, messageId, userId, result } = await work(manager);
        for (const a of stored) {
          await manager.query(
            `INSERT INTO support_ticket_attachments (id, ticket_id, message_id, uploaded_by_user_id, file_name_sealed, sealed, content_type, size_bytes, sha256, storage_key)
             VALUES ($1,$2,$3,$4,$5,true,$6,$7,$8,$9)`,
            [a.id, ticketId, messageId, userId, await this.cipher.seal(owner, a.name, fileNameContext(a.id), manager), a.type, a.size, a.sha256, a.key],
          );
        }
        return result;
      });
    } catch (err) {
      for (const a of stored) await this.storage.delete(a.key);
      throw err;
    }
  }

  /** Sends an attachment of the user's own ticket (as a download, never inline). */
  async sendAttachmentToUser(userId: string, ticketId: string, attachmentId: string, req: Request, res: Response): Promise<void> {
    const t = await this.row(ticketId, this.dataSource.manager);
    if (!t || t.userId !== userId) throw new TicketNotFoundException();
    const a = await this.attachmentOf(t, attachmentId);
    await this.sendAttachment(a, req, res);
  }

  /** One attachment of the ticket, its name opened (410 when the ticket's data key was destroyed). */
  async attachmentOf(t: Pick<TicketRow, 'id' | 'dataKeyOwner'>, attachmentId: string, manager: EntityManager = this.dataSource.manager): Promise<AttachmentRow> {
    const rows = (await manager.query(`SELECT ${ATTACHMENT_COLUMNS} FROM support_ticket_attachments a WHERE a.id = $1 AND a.ticket_id = $2`, [attachmentId, t.id])) as AttachmentRecord[];
    if (!rows[0]) throw new SupportException('ATTACHMENT_NOT_FOUND', HttpStatus.NOT_FOUND);
    const [row] = await this.cipher.attachments(t.dataKeyOwner, rows, 'strict', manager);
    return row as AttachmentRow;
  }

  /**
   * Sends an attachment as a download (never inline) through storage's object delivery: a sealed
   * object is opened as it streams, with Range (206), If-None-Match (304) and If-Range as for any
   * object; the ETag is the stored (sealed) bytes' SHA-256. A destroyed key answers 410 before any byte.
   */
  async sendAttachment(a: AttachmentRow, req: Request, res: Response): Promise<void> {
    await this.storage.sendObject(req, res, a.storageKey, { downloadName: a.fileName });
  }
}
