import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  OPEN_STATUSES,
  RECONFIRMED_TYPES,
  Regime,
  RequestType,
  RequesterType,
  applicableRegimes,
  dayOf,
  regimeForRegion,
} from '@soar2/privacy';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import type { AuditActor } from '../audit/audit-entry';
import { ValidationFailedException } from '../errors/domain.exception';
import type { UserPrincipal } from '../identity/auth.decorators';
import { UserAuthService } from '../identity/user-auth.service';
import { UserEntity } from '../identity/user.entity';
import { UsersService } from '../identity/users.service';
import { NotificationsService } from '../notifications/notifications.service';
import { StorageService } from '../storage/storage.service';
import { CreatePrivacyRequestDto, PrivacyRequestCreatedDto, PrivacyRequestViewDto, TimelineEntryDto } from './dto/privacy-request.dto';
import { acknowledgementMail, codeMail, statusMail } from './privacy-mail';
import { ERASURE_HANDOFF, type ErasureHandoff } from './privacy-ports';
import { PrivacyRequestEntity, PrivacyRequestEventEntity, receivedRequest } from './privacy-request.entity';
import {
  CorrectionNotProposedException,
  InvalidPrivacyCodeException,
  NothingToVerifyException,
  PrivacyCodeAttemptsExceededException,
  PrivacyRequestNotFoundException,
  ProofRequiredException,
  ProofTypeNotAcceptedException,
} from './privacy-requests.exception';
import { PRIVACY_CODE_MAX_ATTEMPTS, PrivacyWorkflow, hashAccessToken } from './privacy-workflow.service';
import { PrivacyNoticesService } from './privacy-notices.service';

/** Who is asking about a request: a signed-in user, or the holder of the request's access token. */
export interface RequesterAccess {
  user?: UserPrincipal;
  token?: string;
}

export const PROOF_CONTENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'];
export const PROOF_MAX_BYTES = 10 * 1024 * 1024;

type CodeOutcome = { ok: true; req: PrivacyRequestEntity } | { ok: false; error: 'invalid' | 'exceeded' | 'nothing' | 'proof' };

/**
 * The requester's side of privacy requests: intake (with or without a token), emailed-code
 * verification (and the subject's confirmation for an authorized agent), the status view with its
 * timeline, withdrawal and two-way messages. No answer says whether an address has an account.
 */
@Injectable()
export class PrivacyRequestsService {
  private readonly logger = new Logger('PrivacyRequests');

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: PrivacyWorkflow,
    private readonly users: UsersService,
    private readonly sessions: UserAuthService,
    private readonly notifications: NotificationsService,
    private readonly storage: StorageService,
    @Inject(ERASURE_HANDOFF) private readonly erasure: ErasureHandoff,
    private readonly notices: PrivacyNoticesService,
  ) {}

  async submit(dto: CreatePrivacyRequestDto, principal: UserPrincipal | undefined): Promise<PrivacyRequestCreatedDto> {
    const type = dto.type as RequestType;
    const requesterType = (dto.requesterType ?? 'self') as RequesterType;
    const errors: Record<string, string> = {};
    if (!principal && !dto.email) errors.email = 'Email is required when you are not signed in.';
    if (requesterType !== 'self' && !dto.subjectEmail) errors.subjectEmail = requesterType === 'parent' ? "SubjectEmail must be the child's account address." : "SubjectEmail must be the consumer's address.";
    if (requesterType === 'parent' && !dto.parentEvidence) errors.parentEvidence = 'A parent must say how they are verified as the parent.';
    if (requesterType === 'parent' && type !== 'deletion' && type !== 'access') errors.type = 'A parent may ask for access to or deletion of the child’s data.';
    if (Object.keys(errors).length) throw new ValidationFailedException(errors);
    if (type === 'correction' && !dto.proposedChanges?.displayName && !dto.proposedChanges?.region) throw new CorrectionNotProposedException();

    const now = new Date();
    const result = await this.dataSource.transaction(async (manager) => {
      const account = principal ? await this.users.get(principal.id, manager) : null;
      const email = account && requesterType === 'self' ? account.email : (dto.email ?? account?.email ?? null);
      const actor: AuditActor = principal ? { type: 'user', id: principal.id } : { type: 'anonymous' };
      if (account && requesterType === 'self') {
        const open = await manager.getRepository(PrivacyRequestEntity).findOne({ where: { userId: account.id, type, status: In([...OPEN_STATUSES]) }, order: { receivedAt: 'ASC' } });
        if (open) {
          await this.workflow.addEvent(manager, open.id, 'duplicate_linked', actor, { body: 'The same request was submitted again and linked to this one.', visible: true });
          await this.workflow.record(manager, 'privacy_request.duplicate_linked', open, actor);
          return { created: { id: open.id, status: open.status, dueAt: open.dueAt, duplicate: true } satisfies PrivacyRequestCreatedDto, mails: [] };
        }
      }
      const region = (account && requesterType === 'self' ? account.region : null) ?? dto.region?.toUpperCase() ?? null;
      const req = manager.getRepository(PrivacyRequestEntity).create(
        receivedRequest(
          randomUUID(),
          {
            type,
            requesterType,
            regimes: applicableRegimes({ regulation: (dto.regulation as Regime | undefined) ?? null, region, requesterType }),
            userId: account && requesterType === 'self' ? account.id : null,
            requesterUserId: principal?.id ?? null,
            email,
            subjectEmail: dto.subjectEmail ?? null,
            region,
            details: dto.details ?? null,
            proposedChanges: dto.proposedChanges ? { ...dto.proposedChanges } : null,
            parentEvidence: dto.parentEvidence ? { method: dto.parentEvidence.method, reference: dto.parentEvidence.reference } : null,
          },
          now,
        ),
      );
      this.workflow.applyDeadlines(req, now);
      const access = principal ? null : this.workflow.newAccessToken();
      req.accessTokenHash = access?.hash ?? null;
      await manager.getRepository(PrivacyRequestEntity).insert(req);
      await this.workflow.addEvent(manager, req.id, 'transition', actor, { to: 'received', visible: true, at: now, details: { event: 'submit', requesterType } });

      const mails = [];
      const needsCode = !(account && requesterType === 'self' && !RECONFIRMED_TYPES.includes(type));
      if (needsCode) {
        req.verificationStage = 'requester';
        const code = this.workflow.issueCode(req, now);
        await this.workflow.transition(manager, req, 'await_identity', { actor, skipAudit: true }, now);
        mails.push(codeMail({ id: req.id, type, to: email ?? '', userId: req.userId }, code, this.workflow.config.privacy.unverifiedExpiryDays, 'requester'));
      } else {
        req.verifiedAt = now;
        await this.workflow.transition(manager, req, 'verify', { actor, skipAudit: true, reason: 'Signed in' }, now);
      }
      mails.unshift(acknowledgementMail({ id: req.id, type, to: email ?? '', userId: req.userId }, req.dueAt, needsCode));
      for (const m of mails) await this.notifications.enqueue(m, manager);
      await this.workflow.record(manager, 'privacy_request.submit', req, actor, { requesterType, regimes: req.regimes, dueOn: dayOf(req.dueAt) });
      return { created: { id: req.id, status: req.status, dueAt: req.dueAt, ...(access ? { accessToken: access.token } : {}) } satisfies PrivacyRequestCreatedDto, mails };
    });
    this.logger.log({ requestId: result.created.id, type, requesterType, duplicate: result.created.duplicate ?? false }, 'privacy request submitted');
    return result.created;
  }

  /**
   * Checks the emailed code. The requester's code verifies them (for an authorized agent, once the
   * proof is uploaded, it asks the subject to confirm); the subject's code confirms the agent.
   * A wrong code is counted even though the call fails.
   */
  async verify(id: string, code: string): Promise<PrivacyRequestViewDto> {
    const outcome = await this.dataSource.transaction(async (manager): Promise<CodeOutcome> => {
      const req = await this.workflow.lock(id, manager);
      if (req.status !== 'identity_pending') return { ok: false, error: 'nothing' };
      const stored = await manager.getRepository(PrivacyRequestEntity).createQueryBuilder('r').select('r.code_hash', 'h').where('r.id = :id', { id }).getRawOne<{ h: Buffer | null }>();
      if (req.codeAttempts >= PRIVACY_CODE_MAX_ATTEMPTS) return { ok: false, error: 'exceeded' };
      const fresh = req.codeExpiresAt !== null && req.codeExpiresAt.getTime() > Date.now();
      if (!fresh || !this.workflow.codeMatches(req, stored?.h ?? null, code)) {
        await manager.query('UPDATE privacy_requests SET code_attempts = code_attempts + 1 WHERE id = $1', [id]);
        return { ok: false, error: 'invalid' };
      }
      if (req.requesterType === 'authorized_agent' && req.verificationStage === 'requester') {
        if (!req.proofStorageKey) return { ok: false, error: 'proof' };
        req.verificationStage = 'subject';
        const subjectCode = this.workflow.issueCode(req);
        await manager.getRepository(PrivacyRequestEntity).save(req);
        await this.workflow.addEvent(manager, req.id, 'note', { type: 'anonymous' }, { body: 'The agent’s address is verified; the consumer has been asked to confirm the authorization.', visible: true });
        await this.notifications.enqueue(codeMail({ id: req.id, type: req.type, to: req.subjectEmail ?? '', userId: null }, subjectCode, this.workflow.config.privacy.unverifiedExpiryDays, 'subject'), manager);
        await this.workflow.record(manager, 'privacy_request.agent_verified', req, { type: 'anonymous' });
        return { ok: true, req };
      }
      await this.completeVerification(manager, req);
      return { ok: true, req };
    });
    if (!outcome.ok) {
      if (outcome.error === 'nothing') throw new NothingToVerifyException();
      if (outcome.error === 'exceeded') throw new PrivacyCodeAttemptsExceededException();
      if (outcome.error === 'proof') throw new ProofRequiredException();
      throw new InvalidPrivacyCodeException();
    }
    return this.view(outcome.req.id);
  }

  private async completeVerification(manager: EntityManager, req: PrivacyRequestEntity): Promise<void> {
    const now = new Date();
    const actor: AuditActor = req.verificationStage === 'subject' ? { type: 'anonymous' } : req.requesterUserId ? { type: 'user', id: req.requesterUserId } : { type: 'anonymous' };
    if (req.verificationStage === 'subject') req.subjectConfirmedAt = now;
    req.codeHash = null;
    req.codeExpiresAt = null;
    req.verifiedAt = now;
    const subjectAddress = req.requesterType === 'self' ? req.email : req.subjectEmail;
    const account = req.userId ? await manager.getRepository(UserEntity).findOneBy({ id: req.userId }) : subjectAddress ? await this.users.findByEmail(subjectAddress, manager) : null;
    req.userId = account?.id ?? null;
    if (account?.region) {
      const regimes = new Set<Regime>([...req.regimes, regimeForRegion(account.region)]);
      if (regimes.size > 1) regimes.delete('other');
      req.regimes = (['gdpr', 'ccpa', 'coppa', 'other'] as Regime[]).filter((r) => regimes.has(r));
      req.region ??= account.region;
      this.workflow.applyDeadlines(req, now);
    }
    // The same subject already has this request open: link instead of duplicating.
    const open = await manager.getRepository(PrivacyRequestEntity).findOne({
      where: account
        ? { id: Not(req.id), userId: account.id, type: req.type, status: In(OPEN_STATUSES.filter((s) => s !== 'received' && s !== 'identity_pending')) }
        : { id: Not(req.id), email: req.email ?? '', type: req.type, status: In(OPEN_STATUSES.filter((s) => s !== 'received' && s !== 'identity_pending')) },
      order: { receivedAt: 'ASC' },
    });
    if (open) {
      req.duplicateOf = open.id;
      await this.workflow.transition(manager, req, 'link_duplicate', { actor, reason: `Linked to your open request ${open.id}.`, details: { duplicateOf: open.id } }, now);
      await this.workflow.addEvent(manager, open.id, 'duplicate_linked', actor, { body: 'The same request was submitted again and linked to this one.', visible: true, details: { linked: req.id } });
      return;
    }
    if (req.requesterType === 'parent' && req.parentEvidence) {
      req.parentEvidence = { ...req.parentEvidence, verifiedAt: now.toISOString() };
      if (account) await this.suspendChild(manager, account, req, actor);
    }
    await this.workflow.transition(manager, req, 'verify', { actor, details: { accountFound: account !== null, stage: req.verificationStage } }, now);
  }

  /** COPPA: the child's account is suspended at once when the parent is verified, and signed out everywhere. */
  private async suspendChild(manager: EntityManager, child: UserEntity, req: PrivacyRequestEntity, actor: AuditActor): Promise<void> {
    if (child.status === 'suspended' || child.status === 'terminated' || child.status === 'deleted' || child.status === 'pending_deletion') return;
    await this.users.setStatus(child.id, 'suspended', manager);
    const revoked = await this.sessions.revokeAll(child.id, 'admin', manager);
    await this.workflow.addEvent(manager, req.id, 'note', actor, { body: 'The child’s account is suspended while the request is handled.', visible: true, details: { sessionsRevoked: revoked } });
    await manager.getRepository(PrivacyRequestEntity).save(req);
    // The user's own audit trail: status before and after, and why.
    await this.workflow.record(manager, 'privacy_request.child_suspended', req, actor, { userId: child.id, before: { status: child.status }, after: { status: 'suspended' } });
  }

  /** A new code (the old one stops working); the same answer whatever the request's state, so nothing leaks. */
  async resend(id: string, access: RequesterAccess): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const req = await this.findForRequester(id, access, manager, true);
      if (req.status !== 'identity_pending') throw new NothingToVerifyException();
      const code = this.workflow.issueCode(req);
      await manager.getRepository(PrivacyRequestEntity).save(req);
      const to = req.verificationStage === 'subject' ? (req.subjectEmail ?? '') : (req.email ?? '');
      await this.notifications.enqueue(codeMail({ id: req.id, type: req.type, to, userId: null }, code, this.workflow.config.privacy.unverifiedExpiryDays, req.verificationStage === 'subject' ? 'subject' : 'requester'), manager);
    });
  }

  /** Authorized agent: the signed authorization, stored as is (PDF, PNG or JPEG). */
  async uploadProof(id: string, access: RequesterAccess, body: Readable, contentType: string | undefined): Promise<PrivacyRequestViewDto> {
    const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    if (!PROOF_CONTENT_TYPES.includes(type)) throw new ProofTypeNotAcceptedException();
    const req = await this.findForRequester(id, access);
    if (req.requesterType !== 'authorized_agent' || req.status !== 'identity_pending') throw new NothingToVerifyException();
    const key = `privacy-requests/${req.id}/proof-${randomUUID()}`;
    try {
      await this.storage.put(key, body, { contentType: type, maxBytes: PROOF_MAX_BYTES });
    } catch (err) {
      if (err instanceof Error && /exceed|too large|maxBytes/i.test(err.message)) throw new ProofTypeNotAcceptedException();
      throw err;
    }
    await this.dataSource.transaction(async (manager) => {
      const locked = await this.workflow.lock(id, manager);
      locked.proofStorageKey = key;
      await manager.getRepository(PrivacyRequestEntity).save(locked);
      await this.workflow.addEvent(manager, id, 'note', { type: 'anonymous' }, { body: 'Proof of authorization uploaded.', visible: true, details: { contentType: type } });
      await this.workflow.record(manager, 'privacy_request.proof_uploaded', locked, { type: 'anonymous' }, { contentType: type });
    });
    return this.view(id);
  }

  async get(id: string, access: RequesterAccess): Promise<PrivacyRequestViewDto> {
    await this.findForRequester(id, access);
    return this.view(id);
  }

  /** The requester withdraws the request (any time before execution starts). */
  async withdraw(id: string, access: RequesterAccess): Promise<PrivacyRequestViewDto> {
    await this.dataSource.transaction(async (manager) => {
      const req = await this.findForRequester(id, access, manager, true);
      const actor = this.actorOf(access);
      // During a deletion's grace period the scheduled erasure is canceled first (refused once it started).
      if (req.status === 'awaiting_erasure') await this.erasure.cancel(req.id, manager);
      await this.workflow.transition(manager, req, 'withdraw', { actor, reason: 'Withdrawn by the requester.' });
      if (req.email) await this.notifications.enqueue(statusMail({ id: req.id, type: req.type, to: req.email, userId: req.userId }, 'request_withdrawn', 'Your privacy request is withdrawn', [`Your request (reference ${req.id}) is withdrawn, as you asked. Nothing more will be done with it.`]), manager);
    });
    return this.view(id);
  }

  /** A message from the requester to the privacy team (two-way with the console's "message requester"). */
  async postMessage(id: string, access: RequesterAccess, body: string): Promise<PrivacyRequestViewDto> {
    await this.dataSource.transaction(async (manager) => {
      const req = await this.findForRequester(id, access, manager, true);
      const actor = this.actorOf(access);
      const eventId = await this.workflow.addEvent(manager, id, 'message_from_requester', actor, { body, visible: true });
      await this.workflow.record(manager, 'privacy_request.message_received', req, actor, { length: body.length });
      await this.notices.requesterWrote(manager, req, eventId);
    });
    return this.view(id);
  }

  private actorOf(access: RequesterAccess): AuditActor {
    return access.user ? { type: 'user', id: access.user.id } : { type: 'anonymous' };
  }

  /** The request when the caller may see it: theirs by account or by token. Anything else is 404, never 403. */
  private async findForRequester(id: string, access: RequesterAccess, manager?: EntityManager, lock = false): Promise<PrivacyRequestEntity> {
    const repo = (manager ?? this.dataSource.manager).getRepository(PrivacyRequestEntity);
    const row = await repo.createQueryBuilder('r').addSelect('r.accessTokenHash').where('r.id = :id', { id }).getOne();
    if (!row) throw new PrivacyRequestNotFoundException();
    const byUser = access.user !== undefined && (row.requesterUserId === access.user.id || (row.requesterType === 'self' && row.userId === access.user.id));
    const byToken = access.token !== undefined && row.accessTokenHash !== null && hashAccessToken(access.token).equals(row.accessTokenHash);
    if (!byUser && !byToken) throw new PrivacyRequestNotFoundException();
    return lock && manager ? this.workflow.lock(id, manager) : row;
  }

  /** The requester's view: status, deadline, download link, and the timeline entries meant for them. */
  async view(id: string): Promise<PrivacyRequestViewDto> {
    const req = await this.dataSource.getRepository(PrivacyRequestEntity).findOneBy({ id });
    if (!req) throw new PrivacyRequestNotFoundException();
    const events = await this.dataSource.getRepository(PrivacyRequestEventEntity).find({ where: { requestId: id, visibleToRequester: true }, order: { id: 'ASC' } });
    const openStop = req.clockStops.find((s) => s.to === null);
    return {
      id: req.id,
      type: req.type,
      requesterType: req.requesterType,
      // A failed run is an internal matter until officers retry it: the requester sees it still being carried out.
      status: req.status === 'failed' ? 'executing' : req.status,
      regimes: req.regimes,
      receivedAt: req.receivedAt,
      dueAt: req.dueAt,
      extended: req.extendedAt !== null,
      clockStopped: openStop ? openStop.reason : null,
      duplicateOf: req.duplicateOf,
      downloadLinkExpiresAt: req.status === 'completed' ? (req.fulfilment.linkExpiresAt ?? null) : null,
      timeline: events.map(toTimelineEntry),
    };
  }
}

export function toTimelineEntry(e: PrivacyRequestEventEntity): TimelineEntryDto {
  return {
    at: e.at,
    kind: e.kind,
    status: e.toStatus,
    message: e.body,
    by: e.actorType === 'staff' ? 'privacy_team' : e.actorType === 'system' ? 'system' : 'you',
  };
}
