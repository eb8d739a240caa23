import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import {
  BusinessCalendar,
  Deadlines,
  IllegalTransitionError,
  RequestEvent,
  RequestStatus,
  TransitionContext,
  computeDeadlines,
  dayOf,
  nextStatus,
} from '@soar2/privacy';
import type { EntityManager } from 'typeorm';
import type { AuditActor, AuditDetails } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { VerificationKeyService } from '../identity/verification-key.service';
import { EventKind, PrivacyRequestEntity } from './privacy-request.entity';
import { IllegalTransitionException, PrivacyRequestNotFoundException } from './privacy-requests.exception';

/** Emailed codes for privacy requests live 24 hours (the requester may be slow to read mail); five tries each. */
export const PRIVACY_CODE_TTL_HOURS = 24;
export const PRIVACY_CODE_MAX_ATTEMPTS = 5;

export interface TransitionOptions {
  actor: AuditActor;
  /** A reason given with the action (hold, extend, deny text); shown in the timeline. */
  reason?: string | null;
  denialReason?: string | null;
  /** Shown to the requester in their timeline. */
  visibleToRequester?: boolean;
  details?: AuditDetails;
  /** Skip the audit entry (the caller records one entry for several steps). */
  skipAudit?: boolean;
}

/**
 * The shared core of privacy-request handling: deadlines, the state machine applied to a row with
 * its timeline event and audit entry in the caller's transaction, and the request's secrets.
 */
@Injectable()
export class PrivacyWorkflow {
  readonly calendar: BusinessCalendar;

  constructor(
    @Inject(APP_CONFIG) readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly keys: VerificationKeyService,
  ) {
    this.calendar = new BusinessCalendar(config.privacy.holidays);
  }

  deadlinesOf(req: Pick<PrivacyRequestEntity, 'receivedAt' | 'regimes' | 'type' | 'extendedAt' | 'clockStops'>, now = new Date()): Deadlines {
    return computeDeadlines({
      receivedAt: req.receivedAt,
      regimes: req.regimes,
      type: req.type,
      extended: req.extendedAt !== null,
      clockStops: req.clockStops,
      today: dayOf(now),
      calendar: this.calendar,
    });
  }

  /** Recomputes and stores the deadlines (after an extension, a clock stop, a regime change). */
  applyDeadlines(req: PrivacyRequestEntity, now = new Date()): Deadlines {
    const d = this.deadlinesOf(req, now);
    req.dueAt = d.dueAt;
    req.acknowledgeBy = d.acknowledgeBy;
    req.extensionNoticeBy = d.extensionNoticeBy;
    return d;
  }

  async lock(id: string, manager: EntityManager): Promise<PrivacyRequestEntity> {
    const req = await manager.getRepository(PrivacyRequestEntity).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!req) throw new PrivacyRequestNotFoundException();
    return req;
  }

  /**
   * Applies `event` through the one transition table, saves the row, writes the timeline event
   * and (last) the audit entry `privacy_request.<event>`. Returns the new status.
   */
  async transition(manager: EntityManager, req: PrivacyRequestEntity, event: RequestEvent, opts: TransitionOptions, now = new Date()): Promise<RequestStatus> {
    const deadlines = this.deadlinesOf(req, now);
    const ctx: TransitionContext = {
      type: req.type,
      extended: req.extendedAt !== null,
      today: dayOf(now),
      extensionNoticeBy: deadlines.extensionNoticeBy,
      extensible: deadlines.extensible,
      denialReason: opts.denialReason,
      reason: opts.reason,
      heldFrom: req.heldFrom,
    };
    let to: RequestStatus;
    try {
      to = nextStatus(req.status, event, ctx);
    } catch (err) {
      if (err instanceof IllegalTransitionError) throw new IllegalTransitionException(err);
      throw err;
    }
    const from = req.status;
    if (to !== from) {
      req.status = to;
      req.statusChangedAt = now;
    }
    // An officer acting on the request answers the requester's last message (the console's "awaiting officer" flag).
    if (opts.actor.type === 'staff') req.awaitingOfficerSince = null;
    await manager.getRepository(PrivacyRequestEntity).save(req);
    await this.addEvent(manager, req.id, 'transition', opts.actor, {
      from,
      to,
      body: opts.reason ?? null,
      visible: opts.visibleToRequester ?? true,
      details: { event, ...(opts.denialReason ? { denialReason: opts.denialReason } : {}) },
      at: now,
    });
    if (!opts.skipAudit) await this.record(manager, `privacy_request.${event}`, req, opts.actor, { from, to, ...opts.details });
    return to;
  }

  async addEvent(
    manager: EntityManager,
    requestId: string,
    kind: EventKind,
    actor: AuditActor,
    e: { from?: RequestStatus | null; to?: RequestStatus | null; body?: string | null; visible?: boolean; details?: Record<string, unknown>; at?: Date },
  ): Promise<string> {
    const rows = (await manager.query(
      `INSERT INTO privacy_request_events (request_id, at, kind, from_status, to_status, actor_type, actor_id, body, visible_to_requester, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id::text AS id`,
      [requestId, e.at ?? new Date(), kind, e.from ?? null, e.to ?? null, actor.type, actor.id ?? null, e.body ?? null, e.visible ?? false, JSON.stringify(e.details ?? {})],
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? '';
  }

  record(manager: EntityManager, action: string, req: PrivacyRequestEntity, actor: AuditActor, details: AuditDetails = {}): Promise<unknown> {
    return this.audit.record({ action, actor, subject: { type: 'privacy_request', id: req.id }, details: { type: req.type, status: req.status, ...details } }, manager);
  }

  /** A new emailed code for the request; returns the plain code (for the email only). */
  issueCode(req: PrivacyRequestEntity, now = new Date()): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    req.codeHash = this.codeHash(req.id, req.verificationStage ?? 'requester', code);
    req.codeExpiresAt = new Date(now.getTime() + PRIVACY_CODE_TTL_HOURS * 3_600_000);
    req.codeAttempts = 0;
    return code;
  }

  codeMatches(req: PrivacyRequestEntity, storedHash: Buffer | null, code: string): boolean {
    const candidate = this.codeHash(req.id, req.verificationStage ?? 'requester', code);
    const stored = storedHash ?? Buffer.alloc(candidate.length);
    return timingSafeEqual(candidate, stored.length === candidate.length ? stored : Buffer.alloc(candidate.length)) && storedHash !== null;
  }

  private codeHash(id: string, stage: string, code: string): Buffer {
    return createHmac('sha256', this.keys.key).update(`privacy-request\0${id}\0${stage}\0${code}`).digest();
  }

  /** A bearer secret for the anonymous requester's status page; only its SHA-256 is stored. */
  newAccessToken(): { token: string; hash: Buffer } {
    const token = `prq_${randomBytes(24).toString('base64url')}`;
    return { token, hash: hashAccessToken(token) };
  }
}

export function hashAccessToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
