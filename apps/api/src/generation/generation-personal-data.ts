// `generation.jobs`: a user's video jobs (prompts, settings, outcomes, timeline), their reference
// images, videos and thumbnails, and their preference aggregate. Erasure deletes our files, asks
// the provider to delete its copies, and deletes the rows; the credit ledger keeps its own
// (anonymised) entries that point at job ids.
import { forEachConcurrently } from '../personal-data/for-each-concurrently';
import type { ErasureOutcome, PersonalDataMedia, PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';
import type { StorageService } from '../storage/storage.service';
import type { GenerationJob } from './generation-job';
import type { GenerationJobsRepository } from './generation-jobs.repository';
import type { GenerationPreferencesService } from './generation-preferences.service';
import type { GenerationWorker } from './generation-worker.service';
import type { GenerationService } from './generation.service';

/** Jobs whose provider copy and files are erased at the same time. */
const ERASE_CONCURRENCY = 8;

export function generationPersonalDataSource(deps: {
  repo: GenerationJobsRepository;
  storage: StorageService;
  generation: GenerationService;
  worker: GenerationWorker;
  preferences: GenerationPreferencesService;
  query: (sql: string, params: unknown[]) => Promise<unknown>;
}): PersonalDataSource {
  return {
    category: 'generation.jobs',
    description: 'Video generation jobs: prompts, styles, models, sizes and lengths, outcomes and their timeline, reference images, generated videos and thumbnails, and the style / prompt-type preferences derived from them.',
    purposes: ['Making the videos you ask for', 'Keeping your videos in your account', 'Support for failed or charged jobs', 'Usage habits and preferences'],
    sources: ['user', 'system'],
    async *export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord> {
      for (const job of await deps.repo.allForUser(subject.userId)) {
        const events = await deps.repo.events(job.id);
        yield { data: exportRecord(job, events.map((e) => `${e.at} ${e.event} ${e.status}`)), media: media(job) };
      }
      const prefs = await deps.preferences.get(subject.userId);
      if (prefs) yield { data: { type: 'preferences', styles: prefs.styles, promptTypes: prefs.promptTypes, models: prefs.models, jobs: prefs.jobs } };
    },
    async erase(subject: PersonalDataSubject): Promise<ErasureOutcome> {
      const jobs = await deps.repo.allForUserSealed(subject.userId);
      let providerReached = false;
      // Each job's provider copy and files are independent: a few at a time, so that a heavy account
      // (docs/benchmarks.md: 10,000 jobs) is not erased one HTTP round trip after another.
      await forEachConcurrently(jobs, ERASE_CONCURRENCY, async (job) => {
        if (job.providerVideoIds.length > 0 && !job.providerDeletedAt) {
          if (await deps.generation.deleteAtProvider(job)) providerReached = true;
        }
        if (job.status === 'queued' || job.status === 'in_progress') {
          await deps.worker.fail(job, { errorClass: 'internal', retryable: false, code: 'account_erased', message: 'The account was erased.' });
        }
        await deps.worker.removeFiles(job.id, false);
      });
      const deleted = (await deps.query(`DELETE FROM generation_jobs WHERE user_id = $1 RETURNING id`, [subject.userId])) as unknown[];
      await deps.query(`DELETE FROM generation_preferences WHERE user_id = $1`, [subject.userId]);
      const count = Array.isArray(deleted) && Array.isArray(deleted[0]) ? (deleted[0] as unknown[]).length : jobs.length;
      return {
        deleted: count,
        anonymised: 0,
        retained: [],
        ...(providerReached ? { systemsReached: ['video-provider'] } : {}),
      };
    },
  };
}

function exportRecord(job: GenerationJob, timeline: string[]): PersonalDataRecord['data'] {
  return {
    id: job.id,
    kind: job.kind,
    prompt: job.prompt,
    style: job.style,
    model: job.model,
    seconds: job.seconds,
    size: job.size,
    status: job.status,
    credits: job.credits,
    creditsOutcome: job.creditsOutcome,
    errorClass: job.errorClass,
    errorMessage: job.errorMessage,
    videoSha256: job.videoSha256,
    createdAt: job.createdAt.toISOString(),
    completedAt: job.completedAt?.toISOString() ?? null,
    deletedAt: job.deletedAt?.toISOString() ?? null,
    timeline,
  };
}

function media(job: GenerationJob): PersonalDataMedia[] {
  const out: PersonalDataMedia[] = [];
  if (job.referenceKey) out.push({ path: `reference-images/${job.id}.${job.referenceKey.split('.').pop() ?? 'png'}`, storageKey: job.referenceKey, contentType: job.referenceContentType ?? 'image/png' });
  if (job.videoKey) out.push({ path: `videos/${job.id}.mp4`, storageKey: job.videoKey, contentType: 'video/mp4' });
  if (job.thumbnailKey) out.push({ path: `thumbnails/${job.id}.png`, storageKey: job.thumbnailKey, contentType: 'image/png' });
  return out;
}
