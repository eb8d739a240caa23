// The public video API: create (validate → screen → restriction check → hold → store the reference
// → persist the job with its hold → enqueue, in that order, so a crash at any point leaves either
// nothing, a hold the credit sweeper releases, or a job the workers finish or release), list, read,
// download, delete and remix.
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReferenceImageFacts, ValidVideoRequest, VideoSize, planSegments, priceCredits, screenPrompt, validateVideoRequest } from '@soar2/generation';
import type { Request, Response } from 'express';
import { imageSize } from 'image-size';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CreditsService } from '../credits/credits.service';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import { ValidationFailedException } from '../errors/domain.exception';
import { UsersService } from '../identity/users.service';
import { JobsService } from '../jobs/jobs.service';
import { LegalHoldsService } from '../legal-holds/legal-holds.service';
import { StorageService } from '../storage/storage.service';
import { GenerationJob, VideoView, toVideoView } from './generation-job';
import { GenerationJobsRepository } from './generation-jobs.repository';
import { GENERATION_QUEUE, GenerationSettings, jobKeys } from './generation-settings';
import { ProcessingRestrictedException, PromptBlockedException, VideoNotFoundException, VideoNotReadyException, VideoNotRemixableException } from './generation.exception';
import { VideoProviderHost } from './video-provider.host';

export interface UploadedReference {
  buffer: Buffer;
  mimetype: string;
  size: number;
}

export interface CreateVideoInput {
  prompt?: unknown;
  model?: unknown;
  seconds?: unknown;
  size?: unknown;
  style?: unknown;
}

export interface NewJobSpec {
  userId: string;
  request: ValidVideoRequest;
  kind: GenerationJob['kind'];
  sourceJobId: string | null;
  reference: { buffer: Buffer; contentType: string } | null;
  plan?: number[];
}

@Injectable()
export class GenerationService {
  private readonly logger = new Logger('Generation');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly repo: GenerationJobsRepository,
    private readonly settings: GenerationSettings,
    private readonly credits: CreditsService,
    private readonly users: UsersService,
    private readonly storage: StorageService,
    private readonly jobs: JobsService,
    private readonly providers: VideoProviderHost,
    private readonly holds: LegalHoldsService,
  ) {}

  async create(userId: string, input: CreateVideoInput, file: UploadedReference | undefined): Promise<VideoView> {
    const reference = file ? referenceFacts(file) : undefined;
    const verdict = validateVideoRequest({ ...input, ...(reference ? { reference } : {}) }, this.settings.catalogue);
    if (!verdict.ok) throw new ValidationFailedException(verdict.errors);
    const job = await this.startJob({ userId, request: verdict.value, kind: 'create', sourceJobId: null, reference: file ? { buffer: file.buffer, contentType: file.mimetype } : null });
    return toVideoView(job);
  }

  async remix(userId: string, sourceId: string, prompt: unknown): Promise<VideoView> {
    const source = await this.repo.getOwned(sourceId, userId);
    if (!source) throw new VideoNotFoundException();
    if (source.status !== 'completed' || !source.providerVideoId) throw new VideoNotRemixableException();
    const verdict = validateVideoRequest({ prompt, model: source.model, seconds: source.seconds, size: source.size, style: source.style }, this.settings.catalogue);
    if (!verdict.ok) throw new ValidationFailedException(verdict.errors);
    const job = await this.startJob({ userId, request: verdict.value, kind: 'remix', sourceJobId: source.id, reference: null, plan: [source.seconds] });
    return toVideoView(job);
  }

  /** Screens, checks the account, holds credits, stores the reference, persists and enqueues a job. Also used by the console's retry. */
  async startJob(spec: NewJobSpec): Promise<GenerationJob> {
    const { request } = spec;
    const screening = screenPrompt(request.prompt, this.settings.screening);
    if (!screening.allowed) throw new PromptBlockedException(screening.category);
    const user = await this.users.get(spec.userId);
    if (user.status === 'restricted') throw new ProcessingRestrictedException();
    const price = priceCredits(this.settings.catalogue, request.model, request.seconds, request.size);
    if (price === undefined) throw new ValidationFailedException({ size: `${request.model} does not make ${request.size} videos.` });
    const plan = spec.plan ?? planSegments(request.seconds, this.settings.catalogue.providerSeconds);
    const id = randomUUID();
    let referenceKey: string | null = null;
    // One transaction from the hold to the job row: the credit sweeper never sees a hold without its
    // job, and a crash before the commit leaves nothing (the reference file is removed on failure).
    let job: GenerationJob;
    try {
      job = await this.dataSource.transaction(async (m) => {
        const hold = await this.credits.hold(
          {
            userId: spec.userId,
            amount: price,
            referenceType: 'job',
            referenceId: id,
            reason: `Video ${request.model} ${request.seconds}s ${request.size}${spec.kind === 'create' ? '' : ` (${spec.kind})`}`,
          },
          m,
        );
        let referenceSha256: string | null = null;
        if (spec.reference) {
          referenceKey = jobKeys.reference(id, spec.reference.contentType);
          // Sealed with the user's data key; the job keeps the plaintext's SHA-256 (decision 018).
          const stored = await this.storage.put(referenceKey, spec.reference.buffer, { contentType: spec.reference.contentType, sealFor: spec.userId });
          referenceSha256 = stored.plaintext?.sha256 ?? stored.sha256;
        }
        const created = await this.repo.insert(
          {
            id,
            userId: spec.userId,
            kind: spec.kind,
            sourceJobId: spec.sourceJobId,
            prompt: request.prompt,
            style: request.style,
            model: request.model,
            seconds: request.seconds,
            size: request.size,
            plan,
            credits: price,
            holdId: hold.holdId,
            provider: this.providers.info().name,
            deadlineAt: new Date(Date.now() + this.settings.deadlineMs),
            referenceKey,
            referenceContentType: spec.reference?.contentType ?? null,
            referenceSha256,
          },
          m,
        );
        await this.repo.addEvent(created, 'created', { kind: spec.kind, credits: price, plan, sourceJobId: spec.sourceJobId }, `user:${spec.userId}`, m);
        return created;
      });
    } catch (err) {
      if (referenceKey) await this.storage.delete(referenceKey).catch(() => undefined);
      throw err;
    }
    // A lost send is picked up by the sweeper (next_step_at is now).
    await this.enqueue(job.id);
    return job;
  }

  async enqueue(jobId: string, startAfter?: Date): Promise<void> {
    try {
      await this.jobs.send(GENERATION_QUEUE, { jobId }, startAfter ? { startAfter } : {});
    } catch (err) {
      this.logger.warn({ jobId, err: err instanceof Error ? err.message : String(err) }, 'could not enqueue a generation step; the sweeper will pick the job up');
    }
  }

  async list(userId: string, limit: number, before?: string): Promise<{ data: VideoView[]; hasMore: boolean }> {
    const cursor = before ? new Date(before) : undefined;
    const rows = await this.repo.listOwned(userId, limit + 1, cursor && !Number.isNaN(cursor.getTime()) ? cursor : undefined);
    return { data: rows.slice(0, limit).map(toVideoView), hasMore: rows.length > limit };
  }

  /** One video; 410 DATA_KEY_DESTROYED once the owner's key was destroyed (lists show a null prompt instead). */
  async get(userId: string, id: string): Promise<VideoView> {
    return toVideoView(await this.readable(userId, id));
  }

  /** The MP4 or thumbnail, opened from its sealed copy (Range and conditional requests as for any object). */
  async sendContent(userId: string, id: string, variant: string | undefined, req: Request, res: Response): Promise<void> {
    const job = await this.readable(userId, id);
    const key = variant === 'thumbnail' ? job.thumbnailKey : job.videoKey;
    if (job.status !== 'completed' || !key) throw new VideoNotReadyException(job.status === 'completed' ? 'This video has no thumbnail.' : `The video is ${job.status}; it has no file to download.`);
    await this.storage.sendObject(req, res, key, variant === 'thumbnail' ? { disposition: 'inline' } : { downloadName: `${job.id}.mp4`, disposition: 'inline' });
  }

  private async readable(userId: string, id: string): Promise<GenerationJob> {
    const job = await this.repo.getOwned(id, userId);
    if (!job) throw new VideoNotFoundException();
    if (job.prompt === null) throw new DataKeyDestroyedException();
    return job;
  }

  /**
   * Soft delete now (the files are purged per retention); asks the provider to delete its copies; a
   * running job is canceled and its credits released. Under a legal hold (job or user) the video is
   * only hidden: the provider's copy stays until the hold ends and the `user_deleted_videos` sweep
   * deletes it (the user is not told about the hold).
   */
  async delete(userId: string, id: string): Promise<void> {
    const job = await this.repo.getOwned(id, userId);
    if (!job) throw new VideoNotFoundException();
    await this.dataSource.transaction(async (m) => {
      const running = job.status === 'queued' || job.status === 'in_progress';
      const updated = await this.repo.update(
        id,
        { deletedAt: new Date(), ...(running ? { status: 'canceled' as const, stage: 'done' as const, creditsOutcome: 'released' as const, completedAt: new Date() } : {}) },
        m,
      );
      if (!updated) return;
      if (running && updated.holdId) await this.credits.release(updated.holdId, 'Released: the user deleted the video before it finished.', m);
      await this.repo.addEvent(updated, 'deleted', { canceled: running }, `user:${userId}`, m);
    });
    if ((await this.holds.blocking({ userId, jobId: id })).length === 0) await this.deleteAtProvider(job);
  }

  /** Asks the provider to delete every video this job made; records when it succeeded (in `manager`'s transaction when it holds the row's lock). */
  async deleteAtProvider(job: GenerationJob, manager?: EntityManager): Promise<boolean> {
    try {
      for (const videoId of job.providerVideoIds) await this.providers.provider.delete(videoId);
      await this.repo.update(job.id, { providerDeletedAt: new Date() }, manager);
      return true;
    } catch (err) {
      this.logger.warn({ jobId: job.id, err: err instanceof Error ? err.message : String(err) }, 'the provider did not delete its copy; retention retries');
      return false;
    }
  }

  catalogue(): unknown {
    return { ...this.settings.catalogue, provider: this.providers.info() };
  }

  get webhookSecret(): string | undefined {
    return this.config.generation.webhookSecret;
  }
}

function referenceFacts(file: UploadedReference): ReferenceImageFacts {
  let width: number | undefined;
  let height: number | undefined;
  try {
    const dims = imageSize(new Uint8Array(file.buffer));
    width = dims.width;
    height = dims.height;
  } catch {
    // not an image: validation says so
  }
  return { contentType: file.mimetype, bytes: file.size, ...(width !== undefined && height !== undefined ? { width, height } : {}) };
}

export type { VideoSize };
