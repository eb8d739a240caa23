import { HttpStatus } from '@nestjs/common';
import { DomainException } from '../errors/domain.exception';

export const SUPPORT_ERROR_CODES = {
  TICKET_NOT_FOUND: 'No such ticket, or not one the caller may see (other users’ tickets and, for support agents, security reports answer the same).',
  TICKET_CLOSED: 'The ticket is closed and takes no more replies or changes; the user opens a new ticket instead.',
  TICKET_STATUS_CHANGE_NOT_ALLOWED: 'The ticket cannot move from its status to the one asked for (closed is final; nothing goes back to new); the message names both.',
  TICKET_PRIORITY_LOCKED: 'Security reports are always urgent; their priority cannot be lowered.',
  TICKET_COLLISION: 'Someone else wrote on the ticket since the last message you saw (`lastSeenMessageId`); read it, then send again. The answer names the newer messages.',
  ASSIGNEE_NOT_AGENT: 'Tickets are assigned to active support agents or admins only; the staff member named is not one (or is disabled).',
  ASSIGNEE_CANNOT_SEE_TICKET: 'The staff member may not see this ticket (security reports go to admins only).',
  LINKED_JOB_NOT_FOUND: 'A linked job id is not one of the user’s own generation jobs.',
  ATTACHMENT_TOO_LARGE: 'Attachments are limited to 10 MB each.',
  ATTACHMENT_TYPE_NOT_ALLOWED: 'Attachments must be PNG, JPEG, PDF or plain text, and their bytes must match the declared type.',
  ATTACHMENT_NOT_FOUND: 'No such attachment on this ticket.',
  MACRO_NOT_FOUND: 'No such canned reply.',
  MACRO_TITLE_TAKEN: 'Another canned reply already has this title.',
  PRIVACY_CONVERSION_UNAVAILABLE: 'Converting a ticket into a privacy request needs the privacy module, which is not installed in this build.',
  PRIVACY_CONVERSION_NOT_ALLOWED: 'Only tickets in category privacy that are not already linked to a privacy request can be converted.',
  JOB_REFUND_UNAVAILABLE: 'Refunding a job from a ticket needs the generation module, which is not installed in this build.',
  JOB_NOT_LINKED: 'Only a job linked to this ticket can be refunded from it.',
  CREDITS_UNAVAILABLE: 'The credit ledger is not installed in this build, so credits cannot be shown or adjusted from a ticket.',
} as const;

export type SupportErrorCode = keyof typeof SUPPORT_ERROR_CODES;

/** A support-desk refusal with its code; the status says which kind. */
export class SupportException extends DomainException {
  constructor(code: SupportErrorCode, status: HttpStatus, message: string = SUPPORT_ERROR_CODES[code], details?: Record<string, unknown>) {
    super(code, status, message, details);
  }
}

export class TicketNotFoundException extends SupportException {
  constructor() {
    super('TICKET_NOT_FOUND', HttpStatus.NOT_FOUND, 'Ticket was not found.');
  }
}

export class TicketClosedException extends SupportException {
  constructor(message: string) {
    super('TICKET_CLOSED', HttpStatus.CONFLICT, message);
  }
}

export class TicketCollisionException extends SupportException {
  constructor(newerMessageIds: string[]) {
    super('TICKET_COLLISION', HttpStatus.CONFLICT, 'Someone else wrote on this ticket after the last message you saw. Read the new messages, then send again.', {
      newerMessageIds,
    });
  }
}
