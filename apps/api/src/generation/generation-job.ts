// A job as the generation module's code sees it, mapped from a generation_jobs row.
import type { ErrorClass, JobStage, JobStatus } from '@soar2/generation';

export interface GenerationJob {
  id: string;
  userId: string | null;
  kind: 'create' | 'remix' | 'retry';
  sourceJobId: string | null;
  /** Opened from `prompt_sealed` by the repository; null once the owner's data key was destroyed (erasure). */
  prompt: string | null;
  /** The prompt as stored, sealed with the owner's data key (null for rows not yet backfilled). */
  promptSealed: Buffer | null;
  style: string | null;
  model: string;
  seconds: number;
  size: string;
  plan: number[];
  segmentIndex: number;
  status: JobStatus;
  stage: JobStage;
  progress: number;
  credits: number;
  holdId: string | null;
  creditsOutcome: 'captured' | 'released' | 'refunded' | null;
  provider: string;
  providerVideoId: string | null;
  providerVideoIds: string[];
  providerStatus: string | null;
  submitStartedAt: Date | null;
  attempts: number;
  polls: number;
  nextStepAt: Date;
  leaseUntil: Date | null;
  deadlineAt: Date;
  referenceKey: string | null;
  referenceContentType: string | null;
  referenceSha256: string | null;
  videoKey: string | null;
  videoSha256: string | null;
  videoBytes: number | null;
  thumbnailKey: string | null;
  thumbnailSha256: string | null;
  assetExpiresAt: Date | null;
  errorClass: ErrorClass | null;
  errorCode: string | null;
  errorMessage: string | null;
  moderationReason: string | null;
  deletedAt: Date | null;
  providerDeletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

export interface JobRow {
  id: string;
  user_id: string | null;
  kind: GenerationJob['kind'];
  source_job_id: string | null;
  prompt: string | null;
  prompt_sealed: Buffer | null;
  style: string | null;
  model: string;
  seconds: number;
  size: string;
  plan: number[];
  segment_index: number;
  status: JobStatus;
  stage: JobStage;
  progress: number;
  credits: number;
  hold_id: string | null;
  credits_outcome: GenerationJob['creditsOutcome'];
  provider: string;
  provider_video_id: string | null;
  provider_video_ids: string[];
  provider_status: string | null;
  submit_started_at: Date | null;
  attempts: number;
  polls: number;
  next_step_at: Date;
  lease_until: Date | null;
  deadline_at: Date;
  reference_key: string | null;
  reference_content_type: string | null;
  reference_sha256: string | null;
  video_key: string | null;
  video_sha256: string | null;
  video_bytes: string | null;
  thumbnail_key: string | null;
  thumbnail_sha256: string | null;
  asset_expires_at: Date | null;
  error_class: ErrorClass | null;
  error_code: string | null;
  error_message: string | null;
  moderation_reason: string | null;
  deleted_at: Date | null;
  provider_deleted_at: Date | null;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

/** Binds a sealed prompt to its row (decision 017: `<table>.<column>:<row id>`). */
export function promptContext(jobId: string): string {
  return `generation_jobs.prompt:${jobId}`;
}

/**
 * Maps a row; `prompt` is the legacy clear prompt (rows not yet backfilled) and null for sealed rows
 * until the repository opens it (GenerationJobsRepository.open).
 */
export function toJob(r: JobRow): GenerationJob {
  return {
    id: r.id,
    userId: r.user_id,
    kind: r.kind,
    sourceJobId: r.source_job_id,
    prompt: r.prompt,
    promptSealed: r.prompt_sealed,
    style: r.style,
    model: r.model,
    seconds: r.seconds,
    size: r.size,
    plan: r.plan,
    segmentIndex: r.segment_index,
    status: r.status,
    stage: r.stage,
    progress: r.progress,
    credits: r.credits,
    holdId: r.hold_id,
    creditsOutcome: r.credits_outcome,
    provider: r.provider,
    providerVideoId: r.provider_video_id,
    providerVideoIds: r.provider_video_ids,
    providerStatus: r.provider_status,
    submitStartedAt: r.submit_started_at,
    attempts: r.attempts,
    polls: r.polls,
    nextStepAt: r.next_step_at,
    leaseUntil: r.lease_until,
    deadlineAt: r.deadline_at,
    referenceKey: r.reference_key,
    referenceContentType: r.reference_content_type,
    referenceSha256: r.reference_sha256,
    videoKey: r.video_key,
    videoSha256: r.video_sha256,
    videoBytes: r.video_bytes === null ? null : Number(r.video_bytes),
    thumbnailKey: r.thumbnail_key,
    thumbnailSha256: r.thumbnail_sha256,
    assetExpiresAt: r.asset_expires_at,
    errorClass: r.error_class,
    errorCode: r.error_code,
    errorMessage: r.error_message,
    moderationReason: r.moderation_reason,
    deletedAt: r.deleted_at,
    providerDeletedAt: r.provider_deleted_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    startedAt: r.started_at,
    completedAt: r.completed_at,
  };
}

/** The public API's view of a job (`GET /v1/videos/:id`). */
export interface VideoView {
  id: string;
  object: 'video';
  status: JobStatus;
  progress: number;
  /** Null in lists once the owner's data key was destroyed. */
  prompt: string | null;
  style: string | null;
  model: string;
  seconds: number;
  size: string;
  creditsHeld: number;
  error: { code: string; message: string } | null;
  remixOf: string | null;
  hasThumbnail: boolean;
  createdAt: string;
  completedAt: string | null;
}

export function toVideoView(j: GenerationJob): VideoView {
  return {
    id: j.id,
    object: 'video',
    status: j.status,
    progress: j.progress,
    prompt: j.prompt,
    style: j.style,
    model: j.model,
    seconds: j.seconds,
    size: j.size,
    creditsHeld: j.creditsOutcome === null ? j.credits : 0,
    error: j.errorCode ? { code: j.errorClass ?? j.errorCode, message: j.errorMessage ?? '' } : null,
    remixOf: j.kind === 'remix' ? j.sourceJobId : null,
    hasThumbnail: j.thumbnailKey !== null,
    createdAt: j.createdAt.toISOString(),
    completedAt: j.completedAt?.toISOString() ?? null,
  };
}
