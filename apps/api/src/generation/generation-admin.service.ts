// Support operations on generation jobs: list with filters, the full story of one job, and the
// actions that put things right (refresh, retry, cancel, refund, re-copy, delete), each audited
// with its reason in the same transaction as the change.
import { Injectable } from '@nestjs/common';
import { ERROR_CLASSES, JOB_STATUSES, ProviderCallError } from '@soar2/generation';
import type { LegalHoldDetail, LegalHoldFact } from '@soar2/privacy';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { AuditService } from '../audit/audit.service';
import type { AppAbility } from '../authz/ability';
import type { AuditActor } from '../audit/audit-entry';
import { CreditsService } from '../credits/credits.service';
import { ValidationFailedException } from '../errors/domain.exception';
import { recordHeldSql } from '../legal-holds/legal-hold-visibility';
import { LegalHoldsService } from '../legal-holds/legal-holds.service';
import { StorageService } from '../storage/storage.service';
import { GenerationJob, JobRow, toJob } from './generation-job';
import { GenerationJobsRepository, JobEvent } from './generation-jobs.repository';
import { GenerationWorker } from './generation-worker.service';
import { GenerationActionNotAllowedException, GenerationNotFoundException } from './generation.exception';
import { GenerationService } from './generation.service';
import { ProviderInfo, VideoProviderHost } from './video-provider.host';

const SORTABLE: Record<string, string> = { createdAt: 'j.created_at', status: 'j.status', model: 'j.model', credits: 'j.credits', completedAt: 'j.completed_at' };

export const GENERATION_LIST_RULES: ListQueryRules = {
  sortable: Object.keys(SORTABLE),
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'status', 'errorClass', 'model', 'email', 'userId', 'createdFrom', 'createdBefore', 'provider'],
};

export interface GenerationAdminRow {
  id: string;
  userId: string | null;
  userEmail: string | null;
  kind: string;
  model: string;
  seconds: number;
  size: string;
  status: string;
  stage: string;
  progress: number;
  credits: number;
  creditsOutcome: string | null;
  provider: string;
  errorClass: string | null;
  errorCode: string | null;
  createdAt: string;
  completedAt: string | null;
  deleted: boolean;
  /** An active legal hold covers the job or its user (no deletion until it ends). */
  underHold: boolean;
}

export interface CreditEntryRow {
  id: string;
  kind: string;
  amount: number;
  heldDelta: number;
  reason: string;
  actorType: string;
  createdAt: string;
}

export interface GenerationAdminDetail extends GenerationAdminRow {
  /** Null once the owner's data key was destroyed (erasure). */
  prompt: string | null;
  style: string | null;
  plan: number[];
  segmentIndex: number;
  providerVideoId: string | null;
  providerVideoIds: string[];
  providerStatus: string | null;
  attempts: number;
  errorMessage: string | null;
  moderationReason: string | null;
  referenceImage: { stored: boolean; contentType: string | null; sha256: string | null } | null;
  video: { stored: boolean; sha256: string | null; bytes: number | null };
  thumbnail: { stored: boolean; sha256: string | null };
  assetExpiresAt: string | null;
  sourceJobId: string | null;
  deletedAt: string | null;
  providerDeletedAt: string | null;
  startedAt: string | null;
  updatedAt: string;
  timeline: JobEvent[];
  creditEntries: CreditEntryRow[];
  /** Ids of the support tickets that link the job. */
  linkedTickets: string[];
  providerInfo: ProviderInfo;
  /** The user's credits now (support sees a refund land). */
  userCredits: { balance: number; held: number; available: number } | null;
  /** Active legal holds covering the job (its own, or its user's); reason and expiry only for readers of legal holds. */
  legalHolds?: Array<LegalHoldFact | LegalHoldDetail>;
}

export type GenerationAction = 'refresh' | 'retry' | 'cancel' | 'refund' | 'recopy' | 'delete';

@Injectable()
export class GenerationAdminService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: GenerationJobsRepository,
    private readonly generation: GenerationService,
    private readonly worker: GenerationWorker,
    private readonly credits: CreditsService,
    private readonly audit: AuditService,
    private readonly storage: StorageService,
    private readonly providers: VideoProviderHost,
    private readonly holds: LegalHoldsService,
  ) {}

  providerInfo(): ProviderInfo {
    return this.providers.info();
  }

  async list(q: ListQuery): Promise<ListPage<GenerationAdminRow>> {
    const { where, params } = filterSql(q.filter);
    const order = `${SORTABLE[q.sortField] ?? 'j.created_at'} ${q.sortOrder}, j.id ${q.sortOrder}`;
    const rows: Array<JobRow & { user_email: string | null; under_hold: boolean; total: string }> = await this.dataSource.query(
      `SELECT j.*, u.email AS user_email, ${recordHeldSql({ userColumn: 'j.user_id', jobColumn: 'j.id' })} AS under_hold, count(*) OVER () AS total
         FROM generation_jobs j LEFT JOIN users u ON u.id = j.user_id
        WHERE ${where} ORDER BY ${order} OFFSET $${params.length + 1} LIMIT $${params.length + 2}`,
      [...params, q.skip, q.take],
    );
    const total = rows[0] ? Number(rows[0].total) : (await this.count(where, params));
    return new ListPage('generations', rows.map((r) => toAdminRow(toJob(r), r.user_email, r.under_hold)), q.skip, total);
  }

  private async count(where: string, params: unknown[]): Promise<number> {
    const rows: Array<{ n: number }> = await this.dataSource.query(`SELECT count(*)::int AS n FROM generation_jobs j LEFT JOIN users u ON u.id = j.user_id WHERE ${where}`, params);
    return rows[0]?.n ?? 0;
  }

  /** The whole story of one job (personal data: prompt, reference image) and the legal holds covering it: the read is audited. */
  async get(id: string, actor: AuditActor, ability: AppAbility): Promise<GenerationAdminDetail> {
    const detail = await this.detail(id, ability);
    await this.audit.record({ action: 'generation.read', actor, subject: { type: 'generation', id }, details: { userId: detail.userId } });
    return detail;
  }

  /** Support tickets that link the job (the desk checks on linking that the job is the ticket user's own). */
  private async linkedTickets(jobId: string): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM support_tickets WHERE $1::uuid = ANY(linked_job_ids) ORDER BY created_at`, [jobId]);
    return rows.map((r) => r.id);
  }

  /** With the reader's ability, the covering legal holds as they may see them; without (action answers), only whether the job is held. One query either way. */
  private async detail(id: string, ability?: AppAbility): Promise<GenerationAdminDetail> {
    const job = await this.repo.get(id);
    if (!job) throw new GenerationNotFoundException();
    const users: Array<{ email: string }> = job.userId ? await this.dataSource.query(`SELECT email FROM users WHERE id = $1`, [job.userId]) : [];
    // The ledger's entries for this job, read-only (reference_type 'job', reference_id = job id).
    const entries: Array<{ id: string; kind: string; amount: number; held_delta: number; reason: string; actor_type: string; created_at: Date }> = await this.dataSource.query(
      `SELECT id, kind, amount, held_delta, reason, actor_type, created_at FROM credit_entries
        WHERE (reference_type = 'job' AND reference_id = $1) OR hold_id = $2::uuid ORDER BY seq`,
      [job.id, job.holdId ?? '00000000-0000-0000-0000-000000000000'],
    );
    const [videoStored, thumbStored, refStored] = await Promise.all([
      job.videoKey ? this.storage.exists(job.videoKey) : false,
      job.thumbnailKey ? this.storage.exists(job.thumbnailKey) : false,
      job.referenceKey ? this.storage.exists(job.referenceKey) : false,
    ]);
    const target = { userId: job.userId, jobId: job.id };
    const legalHolds = ability ? await this.holds.coveringRecord(target, ability) : undefined;
    const underHold = legalHolds ? legalHolds.length > 0 : (await this.holds.blocking(target)).length > 0;
    return {
      ...toAdminRow(job, users[0]?.email ?? null, underHold),
      prompt: job.prompt,
      style: job.style,
      plan: job.plan,
      segmentIndex: job.segmentIndex,
      providerVideoId: job.providerVideoId,
      providerVideoIds: job.providerVideoIds,
      providerStatus: job.providerStatus,
      attempts: job.attempts,
      errorMessage: job.errorMessage,
      moderationReason: job.moderationReason,
      referenceImage: job.referenceKey ? { stored: refStored, contentType: job.referenceContentType, sha256: job.referenceSha256 } : null,
      video: { stored: videoStored, sha256: job.videoSha256, bytes: job.videoBytes },
      thumbnail: { stored: thumbStored, sha256: job.thumbnailSha256 },
      assetExpiresAt: job.assetExpiresAt?.toISOString() ?? null,
      sourceJobId: job.sourceJobId,
      deletedAt: job.deletedAt?.toISOString() ?? null,
      providerDeletedAt: job.providerDeletedAt?.toISOString() ?? null,
      startedAt: job.startedAt?.toISOString() ?? null,
      updatedAt: job.updatedAt.toISOString(),
      timeline: await this.repo.events(job.id),
      creditEntries: entries.map((e) => ({ id: e.id, kind: e.kind, amount: e.amount, heldDelta: e.held_delta, reason: e.reason, actorType: e.actor_type, createdAt: new Date(e.created_at).toISOString() })),
      linkedTickets: await this.linkedTickets(job.id),
      providerInfo: this.providers.info(),
      userCredits: job.userId ? await this.credits.summary(job.userId) : null,
      ...(legalHolds ? { legalHolds } : {}),
    };
  }

  /** The console's reference image preview (audited as a read of the job's media). */
  async sendReference(id: string, actor: AuditActor, send: (key: string) => Promise<void>): Promise<void> {
    const job = await this.repo.get(id);
    if (!job?.referenceKey) throw new GenerationNotFoundException();
    await this.audit.record({ action: 'generation.read_reference', actor, subject: { type: 'generation', id } });
    await send(job.referenceKey);
  }

  async act(id: string, action: GenerationAction, reason: string, actor: AuditActor): Promise<GenerationAdminDetail> {
    const job = await this.repo.get(id);
    if (!job) throw new GenerationNotFoundException();
    const running = job.status === 'queued' || job.status === 'in_progress';
    const details: Record<string, string | number | boolean | null> = { reason, fromStatus: job.status };
    switch (action) {
      case 'refresh': {
        if (!running) throw new GenerationActionNotAllowedException(`The job is ${job.status}; only a running job can be refreshed from the provider.`);
        await this.auditAlone(job, 'generation.refresh', actor, details);
        await this.generation.enqueue(job.id);
        break;
      }
      case 'retry': {
        if (job.status !== 'failed' && job.status !== 'canceled') throw new GenerationActionNotAllowedException(`The job is ${job.status}; only a failed or canceled job can be retried.`);
        if (!job.userId || job.prompt === null) throw new GenerationActionNotAllowedException('The job’s account was erased.');
        const reference = job.referenceKey && (await this.storage.exists(job.referenceKey)) ? await this.readAll(job.referenceKey) : null;
        const created = await this.generation.startJob({
          userId: job.userId,
          request: { prompt: job.prompt, model: job.model, seconds: job.seconds, size: job.size as never, style: job.style },
          kind: job.kind === 'remix' ? 'remix' : 'retry',
          sourceJobId: job.kind === 'remix' ? job.sourceJobId : job.id,
          reference: reference && job.referenceContentType ? { buffer: reference, contentType: job.referenceContentType } : null,
          plan: job.plan,
        });
        details.newJobId = created.id;
        await this.auditAlone(job, 'generation.retry', actor, details);
        return this.detail(created.id);
      }
      case 'cancel': {
        if (!running) throw new GenerationActionNotAllowedException(`The job is ${job.status}; only a queued or running job can be canceled.`);
        await this.dataSource.transaction(async (m) => {
          const updated = await this.repo.update(job.id, { status: 'canceled', stage: 'done', creditsOutcome: job.holdId ? 'released' : null, completedAt: new Date() }, m, ['queued', 'in_progress']);
          if (!updated) throw new GenerationActionNotAllowedException('The job finished while you were canceling it.');
          if (updated.holdId) await this.credits.release(updated.holdId, `Released: canceled by support (${reason})`.slice(0, 1000), m);
          await this.repo.addEvent(updated, 'canceled', { reason }, `staff:${actor.id ?? ''}`, m);
          await this.audit.record({ action: 'generation.cancel', actor, subject: { type: 'generation', id: job.id }, details }, m);
        });
        await this.generation.deleteAtProvider(job);
        await this.worker.removeFiles(job.id);
        break;
      }
      case 'refund': {
        if (job.creditsOutcome !== 'captured') {
          throw new GenerationActionNotAllowedException(
            job.creditsOutcome === 'refunded' ? 'The job’s credits were already refunded.' : 'Only credits that were spent (captured) can be refunded; a failed or canceled job’s hold was already released.',
          );
        }
        if (!job.userId || job.prompt === null) throw new GenerationActionNotAllowedException('The job’s account was erased.');
        const userId = job.userId;
        await this.dataSource.transaction(async (m) => {
          const updated = await this.repo.update(job.id, { creditsOutcome: 'refunded' }, m);
          const { entryId } = await this.credits.refund(
            { userId, amount: job.credits, referenceType: 'job', referenceId: job.id, actor: { type: 'staff', id: actor.id ?? null, role: actor.role ?? null }, reason: `Refund by support: ${reason}`.slice(0, 1000) },
            m,
          );
          details.credits = job.credits;
          details.entryId = entryId;
          if (updated) await this.repo.addEvent(updated, 'refunded', { credits: job.credits, reason }, `staff:${actor.id ?? ''}`, m);
          await this.audit.record({ action: 'generation.refund', actor, subject: { type: 'generation', id: job.id }, details }, m);
        });
        break;
      }
      case 'recopy': {
        if (job.status !== 'completed' || !job.providerVideoId) throw new GenerationActionNotAllowedException(`The job is ${job.status}; only a completed video can be copied again.`);
        const ourCopy = job.videoKey ? await this.storage.exists(job.videoKey) : false;
        const providerGone = job.assetExpiresAt !== null && job.assetExpiresAt.getTime() <= Date.now();
        let result: { videoSha256: string; changed: boolean } | 'gone' = 'gone';
        if (!providerGone) {
          try {
            result = await this.worker.recopy(job);
          } catch (err) {
            const status = err instanceof ProviderCallError ? err.facts.httpStatus : undefined;
            if (status !== 404 && status !== 410) throw new GenerationActionNotAllowedException(`The provider could not be reached (${err instanceof Error ? err.message : 'error'}); try again.`);
          }
        }
        if (result === 'gone') {
          if (ourCopy) throw new GenerationActionNotAllowedException('The provider’s copy has expired; our stored copy is intact, so there is nothing to copy.');
          // Charged, and neither we nor the provider have the video: the job failed after the fact (refund it).
          await this.dataSource.transaction(async (m) => {
            const updated = await this.repo.update(
              job.id,
              { status: 'failed', errorClass: 'asset_expired', errorCode: 'asset_lost', errorMessage: 'Our copy is missing and the provider no longer has the video.', videoKey: null, videoSha256: null, videoBytes: null },
              m,
            );
            if (updated) await this.repo.addEvent(updated, 'asset_lost', { reason }, `staff:${actor.id ?? ''}`, m);
            await this.audit.record({ action: 'generation.recopy', actor, subject: { type: 'generation', id: job.id }, details: { ...details, outcome: 'asset_lost' } }, m);
          });
          break;
        }
        Object.assign(details, result);
        await this.auditAlone(job, 'generation.recopy', actor, details, 'recopied');
        break;
      }
      case 'delete': {
        if (job.deletedAt) throw new GenerationActionNotAllowedException('The job is already deleted.');
        await this.dataSource.transaction(async (m) => {
          // A legal hold on the job or its user stops the deletion (409 LEGAL_HOLD_BLOCKS_DELETION).
          await this.holds.assertDeletable({ userId: job.userId, jobId: job.id }, m);
          const updated = await this.repo.update(
            job.id,
            { deletedAt: new Date(), ...(running ? { status: 'canceled' as const, stage: 'done' as const, creditsOutcome: job.holdId ? ('released' as const) : null, completedAt: new Date() } : {}) },
            m,
          );
          if (running && updated?.holdId) await this.credits.release(updated.holdId, 'Released: deleted by support before it finished.', m);
          if (updated) await this.repo.addEvent(updated, 'deleted', { reason }, `staff:${actor.id ?? ''}`, m);
          await this.audit.record({ action: 'generation.delete', actor, subject: { type: 'generation', id: job.id }, details }, m);
        });
        details.providerDeleted = await this.generation.deleteAtProvider(job);
        break;
      }
    }
    return this.detail(job.id);
  }

  private async auditAlone(job: GenerationJob, action: string, actor: AuditActor, details: Record<string, string | number | boolean | null>, event?: string): Promise<void> {
    await this.dataSource.transaction(async (m: EntityManager) => {
      await this.repo.addEvent(job, event ?? action.split('.')[1] ?? action, { reason: details.reason }, `staff:${actor.id ?? ''}`, m);
      await this.audit.record({ action, actor, subject: { type: 'generation', id: job.id }, details }, m);
    });
  }

  private async readAll(key: string): Promise<Buffer> {
    const read = await this.storage.get(key);
    const chunks: Buffer[] = [];
    for await (const c of read.stream) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  /** A user's jobs and failure rate (the console's user page). */
  async userStats(userId: string): Promise<{ total: number; completed: number; failed: number; canceled: number; running: number; failureRate: number | null }> {
    const rows: Array<{ status: string; n: number }> = await this.dataSource.query(`SELECT status, count(*)::int AS n FROM generation_jobs WHERE user_id = $1 GROUP BY status`, [userId]);
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
    const completed = by.completed ?? 0;
    const failed = by.failed ?? 0;
    const finished = completed + failed;
    return {
      total: rows.reduce((a, r) => a + r.n, 0),
      completed,
      failed,
      canceled: by.canceled ?? 0,
      running: (by.queued ?? 0) + (by.in_progress ?? 0),
      failureRate: finished === 0 ? null : Math.round((failed / finished) * 1000) / 1000,
    };
  }

  /** Per-day success rate and failure classes (the dashboard chart). */
  async report(days: number): Promise<Array<{ day: string; total: number; completed: number; failed: number; successRate: number | null } & Record<string, number | string | null>>> {
    const rows: Array<{ day: string; status: string; error_class: string | null; n: number }> = await this.dataSource.query(
      `SELECT to_char(date_trunc('day', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD') AS day, status, error_class, count(*)::int AS n
         FROM generation_jobs WHERE created_at >= now() - make_interval(days => $1)
        GROUP BY 1, 2, 3 ORDER BY 1`,
      [days],
    );
    const byDay = new Map<string, { day: string; total: number; completed: number; failed: number; successRate: number | null } & Record<string, number | string | null>>();
    for (const r of rows) {
      let d = byDay.get(r.day);
      if (!d) {
        d = { day: r.day, total: 0, completed: 0, failed: 0, successRate: null, ...Object.fromEntries(ERROR_CLASSES.map((c) => [c, 0])) };
        byDay.set(r.day, d);
      }
      d.total += r.n;
      if (r.status === 'completed') d.completed += r.n;
      if (r.status === 'failed') {
        d.failed += r.n;
        const c = r.error_class ?? 'internal';
        d[c] = Number(d[c] ?? 0) + r.n;
      }
    }
    for (const d of byDay.values()) d.successRate = d.completed + d.failed === 0 ? null : Math.round((d.completed / (d.completed + d.failed)) * 1000) / 1000;
    return [...byDay.values()];
  }
}

function toAdminRow(j: GenerationJob, email: string | null, underHold: boolean): GenerationAdminRow {
  return {
    id: j.id,
    userId: j.userId,
    userEmail: email,
    kind: j.kind,
    model: j.model,
    seconds: j.seconds,
    size: j.size,
    status: j.status,
    stage: j.stage,
    progress: j.progress,
    credits: j.credits,
    creditsOutcome: j.creditsOutcome,
    provider: j.provider,
    errorClass: j.errorClass,
    errorCode: j.errorCode,
    createdAt: j.createdAt.toISOString(),
    completedAt: j.completedAt?.toISOString() ?? null,
    deleted: j.deletedAt !== null,
    underHold,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function filterSql(filter: Record<string, unknown>): { where: string; params: unknown[] } {
  const errors: Record<string, string> = {};
  const clauses: string[] = ['TRUE'];
  const params: unknown[] = [];
  const add = (sql: (p: string) => string, value: unknown): void => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  const list = (name: string, allowed?: readonly string[]): string[] | undefined => {
    const raw = filter[name];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const values = Array.isArray(raw) ? raw : [raw];
    if (!values.every((v): v is string => typeof v === 'string') || (allowed && !values.every((v) => allowed.includes(v)))) {
      errors[`filter.${name}`] = allowed ? `The ${name} filter takes ${allowed.join(', ')}.` : `The ${name} filter takes text.`;
      return undefined;
    }
    return values;
  };
  const ids = list('id');
  if (ids) {
    if (!ids.every((v) => UUID.test(v))) errors['filter.id'] = 'The id filter takes job ids.';
    else add((p) => `j.id = ANY(${p}::uuid[])`, ids);
  }
  const status = list('status', JOB_STATUSES);
  if (status) add((p) => `j.status = ANY(${p}::text[])`, status);
  const errorClass = list('errorClass', ERROR_CLASSES);
  if (errorClass) add((p) => `j.error_class = ANY(${p}::text[])`, errorClass);
  const model = list('model');
  if (model) add((p) => `j.model = ANY(${p}::text[])`, model);
  const provider = list('provider');
  if (provider) add((p) => `j.provider = ANY(${p}::text[])`, provider);
  const userId = list('userId');
  if (userId) {
    if (!userId.every((v) => UUID.test(v))) errors['filter.userId'] = 'The userId filter takes user ids.';
    else add((p) => `j.user_id = ANY(${p}::uuid[])`, userId);
  }
  const email = filter.email;
  if (email !== undefined && email !== '') {
    if (typeof email !== 'string' || email.length > 320) errors['filter.email'] = 'The email filter takes (part of) an email address.';
    else add((p) => `u.email ILIKE ${p}`, `%${email.trim().toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  for (const [name, op] of [['createdFrom', '>='], ['createdBefore', '<']] as const) {
    const v = filter[name];
    if (v === undefined || v === '') continue;
    const d = typeof v === 'string' ? new Date(v) : new Date(NaN);
    if (Number.isNaN(d.getTime())) errors[`filter.${name}`] = `The ${name} filter takes a date.`;
    else add((p) => `j.created_at ${op} ${p}`, d);
  }
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return { where: clauses.join(' AND '), params };
}

