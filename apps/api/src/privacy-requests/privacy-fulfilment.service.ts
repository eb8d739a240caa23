import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { abilityFor } from '../authz/ability';
import { DomainException } from '../errors/domain.exception';
import type { StaffPrincipal } from '../identity/auth.decorators';
import type { StaffRole } from '../identity/staff.entity';
import { UserEntity } from '../identity/user.entity';
import { UsersAdminService } from '../identity/users-admin.service';
import { UsersService } from '../identity/users.service';
import { Job, JobsService } from '../jobs/jobs.service';
import { NotificationsService } from '../notifications/notifications.service';
import { AccessPackageEvent, AccessPackageService } from '../privacy-packages/access-package.service';
import { recipientLines, statusMail, typeName } from './privacy-mail';
import { DELETION_GRACE_DAYS, ERASURE_HANDOFF, ErasureHandoff, PRIVACY_CONSENT_PORT, PrivacyConsentPort } from './privacy-ports';
import { PrivacyRequestEntity } from './privacy-request.entity';
import { PrivacyNoticesService } from './privacy-notices.service';
import { PrivacyWorkflow } from './privacy-workflow.service';

export const FULFIL_QUEUE = 'privacy-requests.fulfil';

/** Job data: the request, and the officer who approved it (restriction runs with their permissions). */
export interface FulfilJob {
  requestId: string;
  staffId: string;
  staffRole: StaffRole;
}

const SYSTEM: AuditActor = { type: 'system', id: 'privacy-fulfilment' };

/**
 * Fulfilment of approved requests as durable pg-boss jobs. Each run picks the request up where it
 * is (approved → executing → completed / awaiting_erasure / failed): a crash in the middle leaves
 * it `executing`, the job is retried (or re-sent by the sweep), and every step is idempotent.
 */
@Injectable()
export class PrivacyFulfilmentService implements OnModuleInit {
  private readonly logger = new Logger('PrivacyRequests');

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflow: PrivacyWorkflow,
    private readonly jobs: JobsService,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
    private readonly usersAdmin: UsersAdminService,
    private readonly audit: AuditService,
    @Inject(PRIVACY_CONSENT_PORT) private readonly consent: PrivacyConsentPort,
    private readonly packages: AccessPackageService,
    @Inject(ERASURE_HANDOFF) private readonly erasure: ErasureHandoff,
    private readonly notices: PrivacyNoticesService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.work<FulfilJob>(FULFIL_QUEUE, (jobs) => this.handle(jobs), { batchSize: 1, pollingIntervalSeconds: 1 });
    // In the transaction that marks the package ready: the link is issued and emailed, and the request completes, together.
    this.packages.onReady((event, manager) => this.packageReady(event, manager));
    this.packages.onFailed((event, manager) => this.packageFailed(event, manager));
  }

  /** Queues the fulfilment of a request; one live job per request. */
  async schedule(requestId: string, staff: Pick<StaffPrincipal, 'id' | 'role'>): Promise<void> {
    await this.jobs.send<FulfilJob>(FULFIL_QUEUE, { requestId, staffId: staff.id, staffRole: staff.role }, { singletonKey: requestId, retryLimit: 5, retryDelay: 30, retryBackoff: true });
  }

  /** Re-sends jobs for requests left approved or executing (a lost job or a crash); used by the sweep. */
  async resumeStalled(olderThanMinutes = 10): Promise<number> {
    const rows: Array<{ id: string; staff_id: string | null; role: StaffRole | null }> = await this.dataSource.query(
      `SELECT r.id, s.id AS staff_id, s.role FROM privacy_requests r
         LEFT JOIN staff s ON s.id = r.assignee_id
        WHERE r.status IN ('approved', 'executing') AND r.status_changed_at < now() - make_interval(mins => $1)`,
      [olderThanMinutes],
    );
    for (const row of rows) await this.schedule(row.id, { id: row.staff_id ?? '00000000-0000-0000-0000-000000000000', role: row.role ?? 'privacy_officer' });
    return rows.length;
  }

  private async handle(jobs: Array<Job<FulfilJob>>): Promise<void> {
    for (const job of jobs) await this.run(job.data);
  }

  /** Runs (or resumes) one request's fulfilment. Public for the worker and for tests that drive it. */
  async run(data: FulfilJob): Promise<void> {
    const start = await this.dataSource.transaction(async (manager) => {
      const r = await this.workflow.lock(data.requestId, manager);
      if (r.status === 'approved') {
        r.fulfilment = { ...r.fulfilment, step: 'started', attempts: (r.fulfilment.attempts ?? 0) + 1 };
        await this.workflow.transition(manager, r, 'execute', { actor: SYSTEM, reason: 'Your request is being carried out.' });
        return r;
      }
      return r.status === 'executing' ? r : null;
    });
    if (!start) return;
    try {
      await this.execute(start, data);
    } catch (err) {
      const message = err instanceof DomainException || err instanceof Error ? err.message : String(err);
      this.logger.warn({ requestId: start.id, type: start.type, errorName: err instanceof Error ? err.name : 'unknown' }, 'privacy request fulfilment failed');
      await this.dataSource.transaction(async (manager) => {
        const r = await this.workflow.lock(start.id, manager);
        if (r.status !== 'executing') return;
        r.fulfilment = { ...r.fulfilment, error: message.slice(0, 500) };
        await this.workflow.transition(manager, r, 'fail', { actor: SYSTEM, visibleToRequester: false, reason: message.slice(0, 500) });
      });
    }
  }

  private async execute(r: PrivacyRequestEntity, data: FulfilJob): Promise<void> {
    const userId = r.userId;
    if (!userId) throw new Error('The request has no account to act on.');
    switch (r.type) {
      case 'access':
      case 'portability': {
        // Idempotent: a package already built or building for this request is reused.
        const existing = (await this.packages.forRequest(r.id)).find((p) => p.state !== 'failed' && p.state !== 'purged');
        const packageId = existing?.packageId ?? (await this.packages.build({ userId, requestId: r.id, format: r.type })).packageId;
        await this.dataSource.transaction(async (manager) => {
          const locked = await this.workflow.lock(r.id, manager);
          if (locked.status !== 'executing') return;
          if (locked.fulfilment.packageId !== packageId) {
            locked.fulfilment = { ...locked.fulfilment, step: 'packaging', packageId };
            await manager.getRepository(PrivacyRequestEntity).save(locked);
            await this.workflow.addEvent(manager, locked.id, 'fulfilment', SYSTEM, { body: 'Your data package is being prepared.', visible: true, details: { packageId } });
          }
          // Ready before this run (a resumed job): complete now; otherwise the onReady listener completes it.
          if (existing?.state === 'ready') await this.completeWithPackage(manager, locked, packageId);
        });
        return;
      }
      case 'correction':
        await this.dataSource.transaction(async (manager) => {
          const locked = await this.workflow.lock(r.id, manager);
          if (locked.status !== 'executing') return;
          const user = await this.users.getForUpdate(userId, manager);
          const changes = locked.appliedChanges ?? {};
          const before: Record<string, string | null> = {};
          const after: Record<string, string | null> = {};
          const patch: Partial<Pick<UserEntity, 'displayName' | 'region'>> = {};
          if (typeof changes.displayName === 'string') {
            before.displayName = user.displayName;
            after.displayName = patch.displayName = changes.displayName;
          }
          if (typeof changes.region === 'string') {
            before.region = user.region;
            after.region = patch.region = changes.region.toUpperCase();
          }
          await this.users.updateProfile(userId, patch, manager);
          await this.audit.record({ action: 'user.correct', actor: { type: 'staff', id: data.staffId, role: data.staffRole }, subject: { type: 'user', id: userId }, details: { requestId: r.id, before, after } }, manager);
          await this.complete(manager, locked, { step: 'applied' }, ['The correction you asked for has been made:', ...Object.entries(after).map(([k, v]) => `- ${k}: ${v ?? ''}`)]);
        });
        return;
      case 'restriction': {
        const user = await this.users.get(userId);
        if (user.status === 'active') {
          const staff: StaffPrincipal = { kind: 'staff', id: data.staffId, email: '', role: data.staffRole, sessionId: '' };
          await this.usersAdmin.changeStatus(userId, 'restrict', `Privacy request ${r.id}: restriction of processing (GDPR Art. 18).`, abilityFor({ kind: 'staff', id: data.staffId, role: data.staffRole }), staff);
        } else if (user.status !== 'restricted') {
          throw new Error(`The account is ${user.status}; only an active account can be restricted.`);
        }
        await this.finish(r.id, { step: 'restricted' }, ['Processing of your personal data is now restricted: we keep it, but do not use it (for example to generate videos) until the restriction is lifted. We will tell you before lifting it.']);
        return;
      }
      case 'opt_out':
      case 'consent_withdrawal':
      case 'objection': {
        const type = r.type;
        await this.dataSource.transaction(async (manager) => {
          const locked = await this.workflow.lock(r.id, manager);
          if (locked.status !== 'executing') return;
          const result = await this.consent.withdraw({ userId, type, requestId: r.id, details: r.details }, manager);
          await this.complete(manager, locked, { step: 'consent_recorded' }, [
            `Done: ${typeName(type)} is recorded and effective now (${result.purposes.join(', ')}). Marketing messages stop; messages about your account and your requests continue.`,
          ]);
        });
        return;
      }
      case 'deletion':
        await this.dataSource.transaction(async (manager) => {
          const locked = await this.workflow.lock(r.id, manager);
          if (locked.status !== 'executing') return;
          const child = locked.requesterType === 'parent';
          const handoff = await this.erasure.handOver({ requestId: locked.id, userId, child, graceDays: child ? 0 : DELETION_GRACE_DAYS }, manager);
          locked.fulfilment = { ...locked.fulfilment, step: 'handed_over', erasureHandle: handoff.handle };
          await this.workflow.transition(manager, locked, 'hand_over_erasure', { actor: SYSTEM, reason: `Your data will be erased from ${handoff.scheduledFor.toISOString().slice(0, 10)}.` });
          if (locked.email)
            await this.notifications.enqueue(
              statusMail({ id: locked.id, type: locked.type, to: locked.email, userId: null }, 'request_erasure_scheduled', 'Your deletion request', [
                `Your ${child ? "child's " : ''}account and personal data will be erased from ${handoff.scheduledFor.toISOString().slice(0, 10)}. You will receive a confirmation once it is done.`,
              ]),
              manager,
            );
        });
        return;
    }
  }

  private async packageReady(event: AccessPackageEvent, manager: EntityManager): Promise<void> {
    if (!event.requestId) return;
    const r = await manager.getRepository(PrivacyRequestEntity).findOne({ where: { id: event.requestId }, lock: { mode: 'pessimistic_write' } });
    if (!r || r.status !== 'executing' || (r.type !== 'access' && r.type !== 'portability')) return;
    await this.completeWithPackage(manager, r, event.packageId);
  }

  private async packageFailed(event: AccessPackageEvent, manager: EntityManager): Promise<void> {
    if (!event.requestId) return;
    const r = await manager.getRepository(PrivacyRequestEntity).findOne({ where: { id: event.requestId }, lock: { mode: 'pessimistic_write' } });
    if (!r || r.status !== 'executing') return;
    r.fulfilment = { ...r.fulfilment, error: `The access package failed (${event.errorCode ?? 'unknown error'}).` };
    await this.workflow.transition(manager, r, 'fail', { actor: SYSTEM, visibleToRequester: false, reason: r.fulfilment.error ?? null });
  }

  /** The package exists: issue the requester's download link, email it, complete the request. */
  private async completeWithPackage(manager: EntityManager, r: PrivacyRequestEntity, packageId: string): Promise<void> {
    const link = await this.packages.issueDownloadLink(packageId, {}, manager);
    await this.complete(
      manager,
      r,
      { step: 'delivered', packageId, linkExpiresAt: link.expiresAt },
      [`Your data is ready (request ${r.id}). Download it here until ${link.expiresAt.slice(0, 10)}:`, '', link.url, '', 'The link is for you only; do not forward it.'],
      true,
    );
  }

  /** Completes in its own transaction (steps that ran outside one: package build, identity restriction). */
  private async finish(id: string, fulfilment: PrivacyRequestEntity['fulfilment'], lines: string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const r = await this.workflow.lock(id, manager);
      if (r.status !== 'executing') return;
      await this.complete(manager, r, fulfilment, lines);
    });
  }

  private async complete(manager: EntityManager, r: PrivacyRequestEntity, fulfilment: PrivacyRequestEntity['fulfilment'], lines: string[], sensitive = false): Promise<void> {
    // GDPR Art. 19 (correction, restriction): the recipients are told first, and the final message names them.
    const recipients = await this.notices.notifyRecipients(manager, r);
    if (recipients) lines = [...lines, '', ...recipientLines(r.type, recipients.map((n) => n.name))];
    r.fulfilment = { ...r.fulfilment, ...fulfilment, error: undefined };
    r.completedAt = new Date();
    await this.workflow.transition(manager, r, 'complete', { actor: SYSTEM, reason: 'Your request is complete.' });
    if (r.email) await this.notifications.enqueue({ ...statusMail({ id: r.id, type: r.type, to: r.email, userId: r.userId }, 'request_completed', 'Your privacy request is complete', lines), sensitive }, manager);
  }

  /**
   * Called by the erasure engine (retention issue) when the subject's data is erased and the
   * deletion certificate exists: the request completes.
   */
  async erasureCompleted(requestId: string, certificateId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const r = await this.workflow.lock(requestId, manager);
      if (r.status === 'completed') return;
      // GDPR Art. 19: the recipients of the erased data are told; the requester's timeline names them.
      await this.notices.notifyRecipients(manager, r);
      r.fulfilment = { ...r.fulfilment, step: 'erased' };
      r.completedAt = new Date();
      await this.workflow.transition(manager, r, 'complete', { actor: { type: 'system', id: 'erasure-engine' }, reason: 'Your data has been erased.', details: { certificateId } });
    });
  }

  /** Requests waiting for the erasure engine (what it will read until it binds its own ErasureHandoff). */
  async awaitingErasure(): Promise<string[]> {
    const rows = await this.dataSource.getRepository(PrivacyRequestEntity).find({ select: { id: true }, where: { status: In(['awaiting_erasure']) } });
    return rows.map((r) => r.id);
  }
}
