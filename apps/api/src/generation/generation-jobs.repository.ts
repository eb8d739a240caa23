// SQL for generation_jobs and its timeline. Workers own a job through a lease (lease_until,
// leased_by) so two processes never advance the same job at once; a crashed worker's lease expires
// and the sweeper hands the job to another.
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DataKeysService } from '../data-keys/data-keys.service';
import { GenerationJob, JobRow, promptContext, toJob } from './generation-job';

/** Columns a step may change (camelCase → column). */
const COLUMNS = {
  status: 'status',
  stage: 'stage',
  progress: 'progress',
  segmentIndex: 'segment_index',
  creditsOutcome: 'credits_outcome',
  providerVideoId: 'provider_video_id',
  providerVideoIds: 'provider_video_ids',
  providerStatus: 'provider_status',
  submitStartedAt: 'submit_started_at',
  attempts: 'attempts',
  polls: 'polls',
  nextStepAt: 'next_step_at',
  referenceKey: 'reference_key',
  videoKey: 'video_key',
  videoSha256: 'video_sha256',
  videoBytes: 'video_bytes',
  thumbnailKey: 'thumbnail_key',
  thumbnailSha256: 'thumbnail_sha256',
  assetExpiresAt: 'asset_expires_at',
  errorClass: 'error_class',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  moderationReason: 'moderation_reason',
  deletedAt: 'deleted_at',
  providerDeletedAt: 'provider_deleted_at',
  startedAt: 'started_at',
  completedAt: 'completed_at',
  userId: 'user_id',
} as const;

export type JobPatch = Partial<Pick<GenerationJob, keyof typeof COLUMNS>>;

export interface NewJob {
  id: string;
  userId: string;
  kind: GenerationJob['kind'];
  sourceJobId: string | null;
  prompt: string;
  style: string | null;
  model: string;
  seconds: number;
  size: string;
  plan: number[];
  credits: number;
  holdId: string;
  provider: string;
  deadlineAt: Date;
  referenceKey: string | null;
  referenceContentType: string | null;
  referenceSha256: string | null;
}

export interface JobEvent {
  id: string;
  at: string;
  event: string;
  status: string;
  stage: string;
  progress: number;
  actor: string;
  detail: Record<string, unknown>;
}

@Injectable()
export class GenerationJobsRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly dataKeys: DataKeysService,
  ) {}

  /**
   * Maps rows to jobs, opening sealed prompts with their owner's key (null once the key was
   * destroyed; lists and the worker decide what that means).
   */
  async open(rows: readonly JobRow[], manager?: EntityManager): Promise<GenerationJob[]> {
    const jobs: GenerationJob[] = [];
    for (const row of rows) {
      const job = toJob(row);
      if (job.promptSealed && job.userId) job.prompt = await this.dataKeys.openTextOrNull(job.userId, job.promptSealed, promptContext(job.id), manager);
      jobs.push(job);
    }
    return jobs;
  }

  private async one(rows: readonly JobRow[], manager?: EntityManager): Promise<GenerationJob | undefined> {
    return rows[0] ? (await this.open([rows[0]], manager))[0] : undefined;
  }

  private m(manager?: EntityManager): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  async insert(j: NewJob, manager?: EntityManager): Promise<GenerationJob> {
    // The prompt is stored only sealed with the user's data key (crypto-shredding, decision 018). The
    // key is read (or made) outside the caller's transaction: a key made inside it and cached here
    // would outlive a rollback.
    const sealed = await this.dataKeys.seal(j.userId, j.prompt, promptContext(j.id));
    const rows: JobRow[] = await this.m(manager).query(
      `INSERT INTO generation_jobs (id, user_id, kind, source_job_id, prompt_sealed, style, model, seconds, size, plan, credits, hold_id, provider, deadline_at,
                                    reference_key, reference_content_type, reference_sha256)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) RETURNING *`,
      [j.id, j.userId, j.kind, j.sourceJobId, sealed, j.style, j.model, j.seconds, j.size, j.plan, j.credits, j.holdId, j.provider, j.deadlineAt, j.referenceKey, j.referenceContentType, j.referenceSha256],
    );
    return { ...toJob(rows[0] as JobRow), prompt: j.prompt };
  }

  async get(id: string, manager?: EntityManager, forUpdate = false): Promise<GenerationJob | undefined> {
    const rows: JobRow[] = await this.m(manager).query(`SELECT * FROM generation_jobs WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`, [id]);
    return this.one(rows, manager);
  }

  async getOwned(id: string, userId: string): Promise<GenerationJob | undefined> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT * FROM generation_jobs WHERE id = $1 AND user_id = $2 AND deleted_at IS NULL`, [id, userId]);
    return this.one(rows);
  }

  async listOwned(userId: string, limit: number, before?: Date): Promise<GenerationJob[]> {
    const rows: JobRow[] = await this.dataSource.query(
      `SELECT * FROM generation_jobs WHERE user_id = $1 AND deleted_at IS NULL ${before ? 'AND created_at < $3' : ''}
        ORDER BY created_at DESC, id DESC LIMIT $2`,
      before ? [userId, limit, before] : [userId, limit],
    );
    return this.open(rows);
  }

  async allForUser(userId: string): Promise<GenerationJob[]> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT * FROM generation_jobs WHERE user_id = $1 ORDER BY created_at`, [userId]);
    return this.open(rows);
  }

  /** The user's jobs with their prompts left sealed (`prompt` null): for erasure, which never reads them. */
  async allForUserSealed(userId: string): Promise<GenerationJob[]> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT * FROM generation_jobs WHERE user_id = $1 ORDER BY created_at`, [userId]);
    return rows.map((row) => ({ ...toJob(row), prompt: null }));
  }

  /** Takes (or renews) the lease of a running job; undefined when another worker holds it or the job is finished. */
  async acquireLease(id: string, owner: string, leaseMs: number): Promise<GenerationJob | undefined> {
    const result: unknown = await this.dataSource.query(
      `UPDATE generation_jobs SET lease_until = now() + make_interval(secs => $3::double precision / 1000), leased_by = $2
        WHERE id = $1 AND status IN ('queued', 'in_progress') AND deleted_at IS NULL
          AND (lease_until IS NULL OR lease_until < now() OR leased_by = $2)
        RETURNING *`,
      [id, owner, leaseMs],
    );
    return this.one(returned<JobRow>(result));
  }

  /** Gives the lease back; the job's next step is due at `nextStepAt`. */
  async releaseLease(id: string, owner: string, nextStepAt: Date): Promise<void> {
    await this.dataSource.query(`UPDATE generation_jobs SET lease_until = NULL, leased_by = NULL, next_step_at = $3 WHERE id = $1 AND leased_by = $2`, [id, owner, nextStepAt]);
  }

  /** Applies a patch; with `expect`, only when the job is still in one of those statuses (undefined otherwise). */
  async update(id: string, patch: JobPatch, manager?: EntityManager, expect?: readonly string[]): Promise<GenerationJob | undefined> {
    const sets: string[] = ['updated_at = now()'];
    const params: unknown[] = [id];
    for (const [k, v] of Object.entries(patch)) {
      const column = COLUMNS[k as keyof typeof COLUMNS];
      if (!column) continue;
      params.push(v);
      sets.push(`${column} = $${params.length}`);
    }
    let where = 'id = $1';
    if (expect) {
      params.push(expect);
      where += ` AND status = ANY($${params.length}::text[])`;
    }
    const list = returned<JobRow>(await this.m(manager).query(`UPDATE generation_jobs SET ${sets.join(', ')} WHERE ${where} RETURNING *`, params));
    return this.one(list, manager);
  }

  async addEvent(job: GenerationJob, event: string, detail: Record<string, unknown> = {}, actor = 'system', manager?: EntityManager): Promise<void> {
    await this.m(manager).query(
      `INSERT INTO generation_job_events (job_id, event, status, stage, progress, actor, detail) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [job.id, event, job.status, job.stage, job.progress, actor, JSON.stringify(detail)],
    );
  }

  async events(jobId: string): Promise<JobEvent[]> {
    const rows: Array<JobEvent & { at: Date; id: string }> = await this.dataSource.query(
      `SELECT id::text AS id, at, event, status, stage, progress, actor, detail FROM generation_job_events WHERE job_id = $1 ORDER BY id`,
      [jobId],
    );
    return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
  }

  /** Provider video ids some job already owns (a lost create must not adopt another job's video). */
  async claimedVideoIds(provider: string, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT DISTINCT unnest(provider_video_ids) AS id FROM generation_jobs WHERE provider = $1 AND provider_video_ids && $2::text[]`,
      [provider, ids],
    );
    return new Set(rows.map((r) => r.id));
  }

  async findByProviderVideo(providerVideoId: string): Promise<GenerationJob | undefined> {
    const rows: JobRow[] = await this.dataSource.query(`SELECT * FROM generation_jobs WHERE $1 = ANY(provider_video_ids) ORDER BY created_at DESC LIMIT 1`, [providerVideoId]);
    return this.one(rows);
  }

  /** Running jobs whose next step is due and whose worker (if any) let its lease lapse. */
  async dueJobIds(limit: number): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM generation_jobs
        WHERE status IN ('queued', 'in_progress') AND deleted_at IS NULL AND next_step_at <= now()
          AND (lease_until IS NULL OR lease_until < now())
        ORDER BY next_step_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.id);
  }

  async statuses(ids: readonly string[]): Promise<Map<string, string>> {
    const valid = ids.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
    if (valid.length === 0) return new Map();
    const rows: Array<{ id: string; status: string }> = await this.dataSource.query(`SELECT id, status FROM generation_jobs WHERE id = ANY($1::uuid[])`, [valid]);
    return new Map(rows.map((r) => [r.id, r.status]));
  }

  /** Records a webhook delivery; false when this webhook id was seen before. */
  async recordWebhook(webhookId: string, eventType: string, providerVideoId: string | null): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO generation_webhook_events (webhook_id, event_type, provider_video_id) VALUES ($1,$2,$3) ON CONFLICT (webhook_id) DO NOTHING RETURNING webhook_id`,
      [webhookId, eventType, providerVideoId],
    );
    return rows.length > 0;
  }
}

/** TypeORM answers UPDATE/DELETE … RETURNING on PostgreSQL as [rows, rowCount], INSERT/SELECT as rows. */
export function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return Array.isArray(result) ? (result as T[]) : [];
}
