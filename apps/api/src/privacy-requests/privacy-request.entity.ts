import type { ClockStop, DenialReason, Regime, RequestStatus, RequestType, RequesterType } from '@soar2/privacy';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** Which emailed code a request is waiting for: the requester's, or (authorized agent) the subject's confirmation. */
export type VerificationStage = 'requester' | 'subject';

/** Progress and result of the fulfilment job, shown in the console and to the requester. */
export interface FulfilmentState {
  step?: string;
  /** Access/portability: the package the packages module built, and when its emailed link expires (the link itself is never stored). */
  packageId?: string;
  linkExpiresAt?: string;
  /** Deletion: the erasure engine's handle. */
  erasureHandle?: string;
  error?: string;
  attempts?: number;
  /** GDPR Art. 19: the recipients told of the rectification, erasure or restriction, and how. */
  recipients?: RecipientNotice[];
}

/** One recipient (a sub-processor of the register) told of a rectification, erasure or restriction. */
export interface RecipientNotice {
  subprocessorId: string;
  name: string;
  /** The register categories that hold the changed data. */
  categories: string[];
  /** `email`: an outbox message to the register's privacy contact; `manual`: an officer notifies through the DPA channel. */
  method: 'email' | 'manual';
  notificationId?: string;
}

/** Parent (COPPA) verification evidence: how the parent was verified, recorded for the file. */
export interface ParentEvidence {
  method: string;
  reference?: string;
  childName?: string;
  verifiedAt?: string;
}

@Entity({ name: 'privacy_requests' })
export class PrivacyRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  type!: RequestType;

  @Column({ name: 'requester_type', type: 'text' })
  requesterType!: RequesterType;

  @Column({ type: 'text', array: true })
  regimes!: Regime[];

  @Column({ type: 'text' })
  status!: RequestStatus;

  @Column({ name: 'status_changed_at', type: 'timestamptz' })
  statusChangedAt!: Date;

  @Column({ name: 'held_from', type: 'text', nullable: true })
  heldFrom!: RequestStatus | null;

  /** The data subject's account, once known (after verification). */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  /** The signed-in account that submitted the request, if any. */
  @Column({ name: 'requester_user_id', type: 'uuid', nullable: true })
  requesterUserId!: string | null;

  /** Where the requester is answered (self: the subject; agent or parent: their own address). */
  @Column({ type: 'text', nullable: true })
  email!: string | null;

  /** Authorized agent or parent: the subject's (the child's) address. */
  @Column({ name: 'subject_email', type: 'text', nullable: true })
  subjectEmail!: string | null;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ type: 'text', nullable: true })
  details!: string | null;

  @Column({ name: 'proposed_changes', type: 'jsonb', nullable: true })
  proposedChanges!: Record<string, string | null> | null;

  @Column({ name: 'applied_changes', type: 'jsonb', nullable: true })
  appliedChanges!: Record<string, string | null> | null;

  @Column({ name: 'duplicate_of', type: 'uuid', nullable: true })
  duplicateOf!: string | null;

  /** The support ticket staff converted into this request (the ticket keeps this request's id too). */
  @Column({ name: 'ticket_id', type: 'uuid', nullable: true })
  ticketId!: string | null;

  @Column({ name: 'received_at', type: 'timestamptz' })
  receivedAt!: Date;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt!: Date;

  @Column({ name: 'acknowledge_by', type: 'date', nullable: true })
  acknowledgeBy!: string | null;

  @Column({ name: 'extension_notice_by', type: 'date' })
  extensionNoticeBy!: string;

  @Column({ name: 'extended_at', type: 'timestamptz', nullable: true })
  extendedAt!: Date | null;

  @Column({ name: 'extension_reason', type: 'text', nullable: true })
  extensionReason!: string | null;

  @Column({ name: 'clock_stops', type: 'jsonb' })
  clockStops!: ClockStop[];

  @Column({ name: 'assignee_id', type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @Column({ name: 'denial_reason', type: 'text', nullable: true })
  denialReason!: DenialReason | null;

  @Column({ name: 'denial_text', type: 'text', nullable: true })
  denialText!: string | null;

  @Column({ name: 'verification_stage', type: 'text', nullable: true })
  verificationStage!: VerificationStage | null;

  @Column({ name: 'code_hash', type: 'bytea', nullable: true, select: false })
  codeHash!: Buffer | null;

  @Column({ name: 'code_expires_at', type: 'timestamptz', nullable: true })
  codeExpiresAt!: Date | null;

  @Column({ name: 'code_attempts', type: 'integer' })
  codeAttempts!: number;

  @Column({ name: 'access_token_hash', type: 'bytea', nullable: true, select: false })
  accessTokenHash!: Buffer | null;

  @Column({ name: 'verified_at', type: 'timestamptz', nullable: true })
  verifiedAt!: Date | null;

  @Column({ name: 'subject_confirmed_at', type: 'timestamptz', nullable: true })
  subjectConfirmedAt!: Date | null;

  @Column({ name: 'proof_storage_key', type: 'text', nullable: true })
  proofStorageKey!: string | null;

  @Column({ name: 'parent_evidence', type: 'jsonb', nullable: true })
  parentEvidence!: ParentEvidence | null;

  @Column({ name: 'reminder_sent_at', type: 'timestamptz', nullable: true })
  reminderSentAt!: Date | null;

  @Column({ type: 'jsonb' })
  fulfilment!: FulfilmentState;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt!: Date | null;

  /** The requester wrote and no officer has answered or acted since (the earliest unanswered message). */
  @Column({ name: 'awaiting_officer_since', type: 'timestamptz', nullable: true })
  awaitingOfficerSince!: Date | null;

  @Column({ name: 'personal_data_stripped_at', type: 'timestamptz', nullable: true })
  personalDataStrippedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

export const EVENT_KINDS = ['transition', 'message_to_requester', 'message_from_requester', 'assignment', 'extension', 'note', 'duplicate_linked', 'fulfilment', 'officer_alerted', 'recipient_notified'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

@Entity({ name: 'privacy_request_events' })
export class PrivacyRequestEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'request_id', type: 'uuid' })
  requestId!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  kind!: EventKind;

  @Column({ name: 'from_status', type: 'text', nullable: true })
  fromStatus!: RequestStatus | null;

  @Column({ name: 'to_status', type: 'text', nullable: true })
  toStatus!: RequestStatus | null;

  @Column({ name: 'actor_type', type: 'text' })
  actorType!: string;

  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text', nullable: true })
  body!: string | null;

  @Column({ name: 'visible_to_requester', type: 'boolean' })
  visibleToRequester!: boolean;

  @Column({ type: 'jsonb' })
  details!: Record<string, unknown>;
}

/** What a submission decides; everything else of a new request starts empty. */
export type NewRequestFields = Pick<PrivacyRequestEntity, 'type' | 'requesterType' | 'regimes' | 'userId' | 'requesterUserId' | 'email' | 'region'> &
  Partial<Pick<PrivacyRequestEntity, 'subjectEmail' | 'details' | 'proposedChanges' | 'parentEvidence' | 'ticketId' | 'accessTokenHash'>>;

/** A request as received (status `received` at `now`), for repository.create(); one place for the defaults. */
export function receivedRequest(id: string, fields: NewRequestFields, now: Date): Partial<PrivacyRequestEntity> {
  return {
    subjectEmail: null,
    details: null,
    proposedChanges: null,
    parentEvidence: null,
    ticketId: null,
    ...fields,
    id,
    status: 'received',
    statusChangedAt: now,
    heldFrom: null,
    appliedChanges: null,
    duplicateOf: null,
    receivedAt: now,
    extendedAt: null,
    extensionReason: null,
    clockStops: [],
    assigneeId: null,
    denialReason: null,
    denialText: null,
    verificationStage: null,
    codeAttempts: 0,
    verifiedAt: null,
    subjectConfirmedAt: null,
    proofStorageKey: null,
    reminderSentAt: null,
    fulfilment: {},
    completedAt: null,
    awaitingOfficerSince: null,
    personalDataStrippedAt: null,
  };
}
