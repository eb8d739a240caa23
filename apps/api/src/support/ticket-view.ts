// Row shapes of the support tables and the views each audience gets. Users see only public
// messages, signed "Soar2 Support"; staff see notes, SLA state and who wrote what.
import type { LegalHoldDetail, LegalHoldFact } from '@soar2/privacy';
import type { AccountFlag, CreditsSummary, LinkedJobSummary } from './support-extensions';
import { BusinessHours, SlaPolicy, TicketCategory, TicketPriority, TicketStatus, slaState } from './support-rules';

/** Shown in lists for text whose key was destroyed or that was removed (erasure, retention). */
export const ERASED_TEXT = '[erased]';

/**
 * How a ticket's text reads: `readable`; `removed` (anonymised: the text is gone, the row stays for
 * reports); `destroyed` (ciphertext remains but its data key was destroyed: 410 where content is asked).
 */
export type ContentState = 'readable' | 'removed' | 'destroyed';

/** A ticket as stored: the subject sealed with the data key of `dataKeyOwner` (clear `subject` only before the backfill). */
export interface TicketRecord extends Omit<TicketRow, 'subject' | 'contentState'> {
  subject: string | null;
  subjectSealed: Buffer | null;
}

/** A ticket with its subject opened (ERASED_TEXT when it cannot be, see contentState). */
export interface TicketRow {
  id: string;
  number: string;
  userId: string | null;
  requesterEmail: string | null;
  channel: 'api' | 'guest_email';
  subject: string;
  contentState: ContentState;
  /** Whose data key seals this ticket's text and files: the user's id, or the ticket's own id for a guest without an account. */
  dataKeyOwner: string;
  anonymisedAt: Date | null;
  category: TicketCategory;
  status: TicketStatus;
  priority: TicketPriority;
  assigneeId: string | null;
  linkedJobIds: string[];
  privacyRequestId: string | null;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  firstRespondedAt: Date | null;
  solvedAt: Date | null;
  closedAt: Date | null;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  pausedSince: Date | null;
  pausedBusinessSeconds: string;
  lastMessageId: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** SELECT list giving TicketRecord's names (the table alias is `t`). */
export const TICKET_COLUMNS = `t.id, t.number::text AS "number", t.user_id AS "userId", t.requester_email AS "requesterEmail", t.channel, t.subject,
  t.subject_sealed AS "subjectSealed", t.data_key_owner AS "dataKeyOwner", t.anonymised_at AS "anonymisedAt",
  t.category, t.status, t.priority, t.assignee_id AS "assigneeId", t.linked_job_ids AS "linkedJobIds", t.privacy_request_id AS "privacyRequestId",
  t.first_response_due_at AS "firstResponseDueAt", t.resolution_due_at AS "resolutionDueAt", t.first_responded_at AS "firstRespondedAt",
  t.solved_at AS "solvedAt", t.closed_at AS "closedAt", t.first_response_breached AS "firstResponseBreached", t.resolution_breached AS "resolutionBreached",
  t.paused_since AS "pausedSince", t.paused_business_seconds::text AS "pausedBusinessSeconds", t.last_message_id AS "lastMessageId",
  t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;

export type MessageKind = 'user_message' | 'public_reply' | 'internal_note' | 'system';

/** A message as stored: the body sealed (clear `body` only before the backfill; both null once anonymised). */
export interface MessageRecord extends Omit<MessageRow, 'body'> {
  body: string | null;
  bodySealed: Buffer | null;
}

export interface MessageRow {
  id: string;
  ticketId: string;
  kind: MessageKind;
  authorType: 'user' | 'requester' | 'staff' | 'system';
  authorUserId: string | null;
  authorStaffId: string | null;
  authorStaffName: string | null;
  body: string;
  notificationId: string | null;
  createdAt: Date;
}

export const MESSAGE_COLUMNS = `m.id, m.ticket_id AS "ticketId", m.kind, m.author_type AS "authorType", m.author_user_id AS "authorUserId",
  m.author_staff_id AS "authorStaffId", s.display_name AS "authorStaffName", m.body, m.body_sealed AS "bodySealed", m.notification_id AS "notificationId", m.created_at AS "createdAt"`;

/** An attachment as stored: the name sealed; `sealed` tells whether the stored object is sealed too. */
export interface AttachmentRecord extends Omit<AttachmentRow, 'fileName'> {
  fileName: string | null;
  fileNameSealed: Buffer | null;
}

export interface AttachmentRow {
  id: string;
  ticketId: string;
  messageId: string | null;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storageKey: string;
  /** The stored object is sealed with the ticket's data key (false only for files the backfill has not reached). */
  sealed: boolean;
  createdAt: Date;
}

export const ATTACHMENT_COLUMNS = `a.id, a.ticket_id AS "ticketId", a.message_id AS "messageId", a.file_name AS "fileName", a.file_name_sealed AS "fileNameSealed",
  a.content_type AS "contentType", a.size_bytes AS "sizeBytes", a.sha256, a.storage_key AS "storageKey", a.sealed, a.created_at AS "createdAt"`;

export interface AttachmentView {
  id: string;
  messageId: string | null;
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
}

export function attachmentView(a: AttachmentRow): AttachmentView {
  return { id: a.id, messageId: a.messageId, fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes, sha256: a.sha256, createdAt: a.createdAt.toISOString() };
}

export interface UserMessageView {
  id: string;
  from: 'you' | 'support';
  authorName: string;
  body: string;
  createdAt: string;
}

export interface UserTicketView {
  id: string;
  number: number;
  subject: string;
  category: TicketCategory;
  status: TicketStatus;
  priority: TicketPriority;
  linkedJobIds: string[];
  createdAt: string;
  updatedAt: string;
  messages?: UserMessageView[];
  attachments?: AttachmentView[];
}

/** Users see their own messages and public replies; internal notes and system entries never. */
export function isVisibleToUser(kind: MessageKind): boolean {
  return kind === 'user_message' || kind === 'public_reply';
}

export function userTicketView(t: TicketRow, messages?: MessageRow[], attachments?: AttachmentRow[]): UserTicketView {
  return {
    id: t.id,
    number: Number(t.number),
    subject: t.subject,
    category: t.category,
    status: t.status,
    priority: t.priority,
    linkedJobIds: t.linkedJobIds,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
    ...(messages
      ? {
          messages: messages
            .filter((m) => isVisibleToUser(m.kind))
            .map((m) => ({
              id: m.id,
              from: m.kind === 'public_reply' ? ('support' as const) : ('you' as const),
              authorName: m.kind === 'public_reply' ? 'Soar2 Support' : 'You',
              body: m.body,
              createdAt: m.createdAt.toISOString(),
            })),
        }
      : {}),
    ...(attachments ? { attachments: attachments.map(attachmentView) } : {}),
  };
}

export interface SlaView {
  firstResponseDueAt: string | null;
  resolutionDueAt: string | null;
  firstResponseBreached: boolean;
  resolutionBreached: boolean;
  breached: boolean;
  paused: boolean;
}

export interface StaffMessageView {
  id: string;
  kind: MessageKind;
  authorType: MessageRow['authorType'];
  authorStaffId: string | null;
  authorName: string;
  body: string;
  emailed: boolean;
  createdAt: string;
}

export interface AccountPanel {
  id: string;
  email: string;
  displayName: string | null;
  status: string;
  restricted: boolean;
  flags: AccountFlag[];
}

export interface StaffTicketView {
  id: string;
  number: number;
  subject: string;
  category: TicketCategory;
  status: TicketStatus;
  priority: TicketPriority;
  channel: TicketRow['channel'];
  userId: string | null;
  requesterEmail: string | null;
  assigneeId: string | null;
  linkedJobIds: string[];
  privacyRequestId: string | null;
  lastMessageId: string | null;
  sla: SlaView;
  solvedAt: string | null;
  closedAt: string | null;
  /** Set once the ticket's text, files and requester were removed (erasure or the retention sweep). */
  anonymisedAt: string | null;
  createdAt: string;
  updatedAt: string;
  messages?: StaffMessageView[];
  attachments?: AttachmentView[];
  account?: AccountPanel | null;
  credits?: CreditsSummary | { unavailable: string };
  recentJobs?: LinkedJobSummary[] | { unavailable: string };
  /** Active legal holds covering the ticket (its own, or its user's); reason and expiry only for readers of legal holds. */
  legalHolds?: Array<LegalHoldFact | LegalHoldDetail>;
  /** In lists: an active legal hold covers the ticket or its user. */
  underHold?: boolean;
}

export interface SlaContext {
  policies: ReadonlyMap<TicketPriority, SlaPolicy>;
  hours: BusinessHours;
  now: Date;
}

/** SLA as of now: computed from the row (the stored flags are refreshed by the sweep, for list filters). */
export function slaView(t: TicketRow, ctx: SlaContext): SlaView {
  const policy = ctx.policies.get(t.priority);
  if (!policy || t.status === 'closed') {
    const breached = t.firstResponseBreached || t.resolutionBreached;
    return {
      firstResponseDueAt: t.firstResponseDueAt?.toISOString() ?? null,
      resolutionDueAt: t.resolutionDueAt?.toISOString() ?? null,
      firstResponseBreached: t.firstResponseBreached,
      resolutionBreached: t.resolutionBreached,
      breached,
      paused: false,
    };
  }
  const s = slaState(
    { createdAt: t.createdAt, pausedBusinessSeconds: Number(t.pausedBusinessSeconds), pausedSince: t.pausedSince, firstRespondedAt: t.firstRespondedAt, solvedAt: t.solvedAt },
    policy,
    ctx.hours,
    ctx.now,
  );
  const firstResponseBreached = s.firstResponseBreached || t.firstResponseBreached;
  const resolutionBreached = s.resolutionBreached || t.resolutionBreached;
  return {
    firstResponseDueAt: s.firstResponseDueAt.toISOString(),
    resolutionDueAt: s.resolutionDueAt?.toISOString() ?? null,
    firstResponseBreached,
    resolutionBreached,
    breached: firstResponseBreached || resolutionBreached,
    paused: s.paused,
  };
}

export function staffTicketView(t: TicketRow, ctx: SlaContext): StaffTicketView {
  return {
    id: t.id,
    number: Number(t.number),
    subject: t.subject,
    category: t.category,
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    userId: t.userId,
    requesterEmail: t.requesterEmail,
    assigneeId: t.assigneeId,
    linkedJobIds: t.linkedJobIds,
    privacyRequestId: t.privacyRequestId,
    lastMessageId: t.lastMessageId,
    sla: slaView(t, ctx),
    solvedAt: t.solvedAt?.toISOString() ?? null,
    closedAt: t.closedAt?.toISOString() ?? null,
    anonymisedAt: t.anonymisedAt?.toISOString() ?? null,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}

export function staffMessageView(m: MessageRow): StaffMessageView {
  const authorName = m.authorType === 'staff' ? (m.authorStaffName ?? 'Staff') : m.authorType === 'system' ? 'System' : 'Requester';
  return {
    id: m.id,
    kind: m.kind,
    authorType: m.authorType,
    authorStaffId: m.authorStaffId,
    authorName,
    body: m.body,
    emailed: m.notificationId !== null,
    createdAt: m.createdAt.toISOString(),
  };
}
