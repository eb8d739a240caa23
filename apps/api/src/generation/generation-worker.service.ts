// Advances generation jobs: submit (create, extend or remix), poll with backoff, download the video
// and thumbnail into our storage before the provider's expires_at, then capture the credits; on a
// failure, release them and record the classified error. Each job is owned through a lease, so a
// webhook, the poller and the sweeper can all ask for a step without two workers running it.
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import {
  ClassifiedError,
  ProviderCallError,
  ProviderVideo,
  VideoSize,
  backoffDelay,
  classifyFailure,
  findReconciledVideo,
  mapProviderStatus,
  overallProgress,
  providerPrompt,
  retryAfterMs,
  shouldRetry,
} from '@soar2/generation';
import { DataSource } from 'typeorm';
import { CreditsService } from '../credits/credits.service';
import { JobsService } from '../jobs/jobs.service';
import { StorageService } from '../storage/storage.service';
import { GenerationJob } from './generation-job';
import { GenerationJobsRepository, JobPatch } from './generation-jobs.repository';
import { GenerationPreferencesService } from './generation-preferences.service';
import { GENERATION_QUEUE, GenerationSettings, jobKeys } from './generation-settings';
import { VideoProviderHost } from './video-provider.host';

type StepResult = { done: true } | { done: false; job: GenerationJob; waitMs: number };

const RUNNING = ['queued', 'in_progress'] as const;
const MAX_ASSET_BYTES = 2 * 1024 * 1024 * 1024;
const RECONCILE_LIST_SIZE = 100;

@Injectable()
export class GenerationWorker implements BeforeApplicationShutdown {
  private readonly logger = new Logger('GenerationWorker');
  private readonly owner = `worker:${process.pid}:${randomBytes(4).toString('hex')}`;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly repo: GenerationJobsRepository,
    private readonly settings: GenerationSettings,
    private readonly providers: VideoProviderHost,
    private readonly credits: CreditsService,
    private readonly storage: StorageService,
    private readonly jobs: JobsService,
    private readonly preferences: GenerationPreferencesService,
  ) {}

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  /** Runs a job as far as it can go now; leaves it scheduled (queue + next_step_at) when it must wait. */
  async run(jobId: string): Promise<void> {
    // One owner per run: two deliveries of the same job in this process must not share a lease.
    const owner = `${this.owner}:${randomBytes(4).toString('hex')}`;
    let job = await this.repo.acquireLease(jobId, owner, this.settings.leaseMs);
    if (!job) return;
    let nextAt = new Date();
    try {
      for (;;) {
        if (this.stopping) return; // the lease lapses; another process resumes the job
        const result = Date.now() > job.deadlineAt.getTime() ? await this.fail(job, classifyFailure({ transport: 'timeout', message: 'The job did not finish before its deadline.' })) : await this.step(job);
        if (result.done) return;
        job = result.job;
        if (result.waitMs > this.settings.inlineWaitMs) {
          nextAt = new Date(Date.now() + result.waitMs);
          await this.repo.releaseLease(job.id, owner, nextAt);
          await this.jobs.send(GENERATION_QUEUE, { jobId: job.id }, { startAfter: nextAt });
          return;
        }
        if (result.waitMs > 0) await sleep(result.waitMs);
        const renewed = await this.repo.acquireLease(job.id, owner, this.settings.leaseMs);
        if (!renewed) return; // canceled or finished meanwhile
        job = renewed;
      }
    } catch (err) {
      // Unexpected (database down, bug): give the lease back so that the retry or the sweeper resumes it.
      await this.repo.releaseLease(jobId, owner, new Date(Date.now() + this.settings.retryPolicy.baseMs)).catch(() => undefined);
      throw err;
    }
  }

  private async step(job: GenerationJob): Promise<StepResult> {
    // The prompt opens with the owner's key; a destroyed key (erasure under way) ends the job.
    if (job.prompt === null && (job.stage === 'pending_submit' || job.stage === 'submitting')) {
      return this.fail(job, { errorClass: 'internal', retryable: false, code: 'account_erased', message: 'The account was erased.' });
    }
    switch (job.stage) {
      case 'pending_submit':
        return this.submit(job, false);
      case 'submitting':
        // Found in `submitting` by a new owner: the previous attempt's answer was lost.
        return this.submit(job, true);
      case 'generating':
        return this.poll(job);
      case 'downloading':
        return this.download(job);
      default:
        return { done: true };
    }
  }

  private requestFor(job: GenerationJob): { prompt: string; seconds: number } {
    const prompt = providerPrompt(this.settings.catalogue, job.prompt ?? '', job.style);
    const seconds = job.plan.slice(0, job.segmentIndex + 1).reduce((a, b) => a + b, 0);
    return { prompt, seconds };
  }

  private async submit(job: GenerationJob, inDoubt: boolean): Promise<StepResult> {
    if (inDoubt) {
      const adopted = await this.reconcile(job);
      if (adopted === 'unreachable') return this.retryLater(job, { transport: 'connection' }, 'reconcile_failed');
      if (adopted) return adopted;
    }
    const claimed = await this.repo.update(job.id, { stage: 'submitting', status: 'in_progress', submitStartedAt: new Date(), startedAt: job.startedAt ?? new Date() }, undefined, RUNNING);
    if (!claimed) return { done: true };
    job = claimed;
    await this.repo.addEvent(job, 'submitting', { segment: job.segmentIndex, attempt: job.attempts + 1 });
    const provider = this.providers.provider;
    const { prompt } = this.requestFor(job);
    try {
      let video: ProviderVideo;
      if (job.segmentIndex > 0) {
        video = await provider.extend(job.providerVideoId as string, prompt, job.plan[job.segmentIndex] as number);
      } else if (job.kind === 'remix') {
        video = await provider.remix(await this.remixSourceVideo(job), prompt);
      } else {
        const reference = job.referenceKey ? await this.readReference(job) : undefined;
        video = await provider.create({ model: job.model, prompt, seconds: job.plan[0] as number, size: job.size as VideoSize, ...(reference ? { inputReference: reference } : {}) });
      }
      return this.adopt(job, video, 'submitted');
    } catch (err) {
      const facts = err instanceof ProviderCallError ? err.facts : { transport: 'connection' as const };
      if (facts.transport) {
        // No answer: the provider may have started the video. Look before trying again.
        const adopted = await this.reconcile(job);
        if (adopted && adopted !== 'unreachable') return adopted;
        if (adopted === 'unreachable') return this.retryLater(job, facts, 'reconcile_failed');
      }
      return this.retryOrFail(job, err, { stage: 'pending_submit' }, 'submit_failed');
    }
  }

  /** Finds the provider video a lost submission started; 'unreachable' when the provider cannot be asked. */
  private async reconcile(job: GenerationJob): Promise<StepResult | 'unreachable' | undefined> {
    const since = Math.floor((job.submitStartedAt ?? job.createdAt).getTime() / 1000);
    let recent: ProviderVideo[];
    try {
      recent = await this.providers.provider.listRecent(RECONCILE_LIST_SIZE);
    } catch {
      return 'unreachable';
    }
    const claimed = await this.repo.claimedVideoIds(job.provider, recent.map((v) => v.id));
    const { prompt, seconds } = this.requestFor(job);
    const model = job.model;
    const match = findReconciledVideo(recent, { model, prompt, seconds, size: job.size }, since, claimed);
    await this.repo.addEvent(job, 'reconciled', { found: Boolean(match), candidates: recent.length });
    return match ? this.adopt(job, match, 'adopted') : undefined;
  }

  private async adopt(job: GenerationJob, video: ProviderVideo, event: string): Promise<StepResult> {
    const updated = await this.repo.update(
      job.id,
      { stage: 'generating', providerVideoId: video.id, providerVideoIds: [...job.providerVideoIds.filter((id) => id !== video.id), video.id], providerStatus: video.status, attempts: 0, polls: 0 },
      undefined,
      RUNNING,
    );
    if (!updated) {
      // Canceled while we were submitting: do not leave a paid video running for nobody.
      await this.providers.provider.delete(video.id).catch(() => undefined);
      return { done: true };
    }
    await this.repo.addEvent(updated, event, { providerVideoId: video.id, segment: updated.segmentIndex, providerStatus: video.status });
    return { done: false, job: updated, waitMs: backoffDelay(this.settings.pollPolicy, 0, Math.random()) };
  }

  private async poll(job: GenerationJob): Promise<StepResult> {
    let video: ProviderVideo;
    try {
      video = await this.providers.provider.retrieve(job.providerVideoId as string);
    } catch (err) {
      return this.retryOrFail(job, err, {}, 'poll_failed');
    }
    const outcome = mapProviderStatus(video.status);
    if (outcome.kind === 'running' || outcome.kind === 'unknown') {
      const progress = overallProgress(job.plan, job.segmentIndex, video.progress);
      const updated = await this.repo.update(job.id, { progress, providerStatus: video.status, polls: job.polls + 1, attempts: 0 }, undefined, RUNNING);
      if (!updated) return { done: true };
      if (video.status !== job.providerStatus) await this.repo.addEvent(updated, 'provider_status', { providerStatus: video.status, progress: video.progress });
      return { done: false, job: updated, waitMs: backoffDelay(this.settings.pollPolicy, job.polls + 1, Math.random()) };
    }
    if (outcome.kind === 'completed') {
      const lastSegment = job.segmentIndex + 1 >= job.plan.length;
      const patch: JobPatch = lastSegment
        ? { stage: 'downloading', providerStatus: video.status, assetExpiresAt: video.expiresAt ? new Date(video.expiresAt * 1000) : null, attempts: 0, progress: 99 }
        : { stage: 'pending_submit', segmentIndex: job.segmentIndex + 1, providerStatus: video.status, attempts: 0, progress: overallProgress(job.plan, job.segmentIndex + 1, 0) };
      const updated = await this.repo.update(job.id, patch, undefined, RUNNING);
      if (!updated) return { done: true };
      await this.repo.addEvent(updated, lastSegment ? 'provider_completed' : 'segment_completed', { providerVideoId: video.id, segment: job.segmentIndex, expiresAt: video.expiresAt });
      return { done: false, job: updated, waitMs: 0 };
    }
    if (outcome.kind === 'expired') return this.fail(job, classifyFailure({ expired: true, message: 'The provider reports the video as expired.' }));
    return this.fail(job, classifyFailure({ code: video.error?.code ?? null, message: video.error?.message ?? null }));
  }

  private async download(job: GenerationJob): Promise<StepResult> {
    if (job.assetExpiresAt && job.assetExpiresAt.getTime() <= Date.now()) {
      return this.fail(job, classifyFailure({ expired: true, message: 'The provider’s copy expired before we could store it.' }));
    }
    const videoId = job.providerVideoId as string;
    try {
      const video = await this.copy(job, videoId, 'video', jobKeys.video(job.id));
      let thumbnail: { sha256: string } | undefined;
      try {
        thumbnail = await this.copy(job, videoId, 'thumbnail', jobKeys.thumbnail(job.id));
      } catch (err) {
        // A missing thumbnail does not fail the job; other errors are retried like the video's.
        if (!(err instanceof ProviderCallError && err.facts.httpStatus === 404)) throw err;
      }
      return await this.complete(job, video, thumbnail);
    } catch (err) {
      if (err instanceof ProviderCallError && (err.facts.httpStatus === 404 || err.facts.httpStatus === 410)) {
        await this.removeFiles(job.id);
        return this.fail(job, classifyFailure({ expired: true, message: 'The provider no longer serves the video.' }));
      }
      if (!(err instanceof ProviderCallError)) this.logger.warn({ jobId: job.id, err: err instanceof Error ? err.message : String(err) }, 'storing a generated video failed');
      return this.retryOrFail(job, err, {}, 'download_failed');
    }
  }

  /**
   * Copies a provider file into our storage, sealed with the owner's data key as it streams; answers
   * the plaintext's SHA-256 and size (what the job records, decision 018).
   */
  private async copy(job: GenerationJob, videoId: string, variant: 'video' | 'thumbnail', key: string): Promise<{ sha256: string; size: number }> {
    const content = await this.providers.provider.download(videoId, variant);
    const stored = await this.storage.put(key, Readable.from(content.body), { contentType: content.contentType, maxBytes: MAX_ASSET_BYTES, ...(job.userId ? { sealFor: job.userId } : {}) });
    const plain = stored.plaintext ?? { size: stored.size, sha256: stored.sha256 };
    if (content.contentLength !== null && plain.size !== content.contentLength) {
      await this.storage.delete(key);
      throw new ProviderCallError(`The ${variant} download was cut short (${plain.size} of ${content.contentLength} bytes).`, { transport: 'connection' });
    }
    return plain;
  }

  private async complete(job: GenerationJob, video: { sha256: string; size: number }, thumbnail: { sha256: string } | undefined): Promise<StepResult> {
    const finished = await this.dataSource.transaction(async (m) => {
      const updated = await this.repo.update(
        job.id,
        {
          status: 'completed',
          stage: 'done',
          progress: 100,
          videoKey: jobKeys.video(job.id),
          videoSha256: video.sha256,
          videoBytes: video.size,
          thumbnailKey: thumbnail ? jobKeys.thumbnail(job.id) : null,
          thumbnailSha256: thumbnail?.sha256 ?? null,
          creditsOutcome: 'captured',
          completedAt: new Date(),
        },
        m,
        RUNNING,
      );
      if (!updated) return undefined;
      if (updated.holdId) await this.credits.capture(updated.holdId, m);
      await this.repo.addEvent(updated, 'completed', { videoSha256: video.sha256, videoBytes: video.size, thumbnail: Boolean(thumbnail) }, 'system', m);
      if (updated.userId) await this.preferences.record({ userId: updated.userId, style: updated.style, prompt: updated.prompt ?? '', model: updated.model }, m);
      return updated;
    });
    // Canceled while downloading: the files belong to no finished job.
    if (!finished && (await this.repo.get(job.id))?.status !== 'completed') await this.removeFiles(job.id);
    return { done: true };
  }

  /** Copies a completed job's video and thumbnail from the provider again (support's re-copy before expiry). */
  async recopy(job: GenerationJob): Promise<{ videoSha256: string; changed: boolean }> {
    const video = await this.copy(job, job.providerVideoId as string, 'video', jobKeys.video(job.id));
    let thumbnail: { sha256: string } | undefined;
    try {
      thumbnail = await this.copy(job, job.providerVideoId as string, 'thumbnail', jobKeys.thumbnail(job.id));
    } catch (err) {
      if (!(err instanceof ProviderCallError && err.facts.httpStatus === 404)) throw err;
    }
    await this.repo.update(job.id, {
      videoKey: jobKeys.video(job.id),
      videoSha256: video.sha256,
      videoBytes: video.size,
      thumbnailKey: thumbnail ? jobKeys.thumbnail(job.id) : job.thumbnailKey,
      thumbnailSha256: thumbnail?.sha256 ?? job.thumbnailSha256,
    });
    return { videoSha256: video.sha256, changed: video.sha256 !== job.videoSha256 };
  }

  /** Retries a retryable failure with backoff (the provider's Retry-After wins when longer); fails the job otherwise. */
  private async retryOrFail(job: GenerationJob, err: unknown, patch: JobPatch, event: string): Promise<StepResult> {
    const facts = err instanceof ProviderCallError ? err.facts : { transport: 'connection' as const, message: err instanceof Error ? err.message : String(err) };
    const classified = classifyFailure({ ...facts, message: err instanceof Error ? err.message : null });
    if (!shouldRetry(classified.retryable, job.attempts + 1, this.settings.maxAttempts)) return this.fail(job, classified);
    return this.retryLater(job, facts, event, patch, classified);
  }

  private async retryLater(job: GenerationJob, facts: ProviderCallError['facts'], event: string, patch: JobPatch = {}, classified = classifyFailure(facts)): Promise<StepResult> {
    if (job.attempts + 1 >= this.settings.maxAttempts * 2) return this.fail(job, classified);
    const updated = await this.repo.update(job.id, { ...patch, attempts: job.attempts + 1 }, undefined, RUNNING);
    if (!updated) return { done: true };
    await this.repo.addEvent(updated, event, { errorClass: classified.errorClass, code: classified.code, attempt: updated.attempts });
    const backoff = backoffDelay(this.settings.retryPolicy, job.attempts, Math.random());
    const after = retryAfterMs(facts.retryAfter, new Date(), this.settings.retryPolicy);
    return { done: false, job: updated, waitMs: Math.max(backoff, after ?? 0) };
  }

  /** Ends the job as failed, releases its credits and records the classified error, in one transaction. */
  async fail(job: GenerationJob, error: ClassifiedError): Promise<StepResult> {
    const failed = await this.dataSource.transaction(async (m) => {
      const updated = await this.repo.update(
        job.id,
        {
          status: 'failed',
          stage: 'done',
          errorClass: error.errorClass,
          errorCode: error.code,
          errorMessage: error.message,
          moderationReason: error.errorClass === 'moderation_blocked' ? error.message : null,
          creditsOutcome: job.holdId ? 'released' : null,
          completedAt: new Date(),
        },
        m,
        RUNNING,
      );
      if (!updated) return false;
      if (updated.holdId) await this.credits.release(updated.holdId, `Released: the video failed (${error.errorClass}).`, m);
      await this.repo.addEvent(updated, 'failed', { errorClass: error.errorClass, code: error.code }, 'system', m);
      return true;
    });
    if (failed) await this.removeFiles(job.id, true);
    return { done: true };
  }

  /** Deletes the job's stored video and thumbnail (and, with `keepReference` false, the reference image). */
  async removeFiles(jobId: string, keepReference = true): Promise<void> {
    await this.storage.delete(jobKeys.video(jobId));
    await this.storage.delete(jobKeys.thumbnail(jobId));
    if (!keepReference) for await (const o of this.storage.list(jobKeys.prefix(jobId))) await this.storage.delete(o.key);
  }

  private async readReference(job: GenerationJob): Promise<{ data: Uint8Array; contentType: string; filename: string }> {
    const read = await this.storage.get(job.referenceKey as string);
    const chunks: Buffer[] = [];
    for await (const c of read.stream) chunks.push(c as Buffer);
    return { data: Buffer.concat(chunks), contentType: read.contentType, filename: job.referenceKey?.split('/').pop() ?? 'reference.png' };
  }

  private async remixSourceVideo(job: GenerationJob): Promise<string> {
    const source = job.sourceJobId ? await this.repo.get(job.sourceJobId) : undefined;
    const id = source?.providerVideoId;
    if (!id) throw new ProviderCallError('The remixed video has no provider video.', { httpStatus: 400, code: 'remix_source_missing' });
    return id;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
