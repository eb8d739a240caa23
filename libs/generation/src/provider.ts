// The one interface every video provider implements (the OpenAI-compatible one, the simulator).
import type { VideoSize } from './catalogue';

export interface ProviderVideo {
  id: string;
  status: string;
  progress: number;
  model: string;
  seconds: string;
  size: string;
  prompt: string | null;
  /** Epoch seconds. */
  createdAt: number;
  /** Epoch seconds after which the provider no longer serves the asset; null when unknown. */
  expiresAt: number | null;
  error: { code: string; message: string } | null;
}

export interface CreateVideoRequest {
  model: string;
  prompt: string;
  seconds: number;
  size: VideoSize;
  inputReference?: { data: Uint8Array; contentType: string; filename: string };
}

export type ContentVariant = 'video' | 'thumbnail';

export interface ProviderContent {
  /** The bytes as they arrive; an interrupted transfer makes the iterator throw. */
  body: AsyncIterable<Uint8Array>;
  contentType: string;
  contentLength: number | null;
}

export interface VideoProvider {
  /** `openai` or `simulator`; stored with each job and shown in the console. */
  readonly name: string;
  /**
   * Starts a paid job. Never retried blindly: when the answer is lost (timeout, connection cut),
   * the caller reconciles with `listRecent` before trying again.
   */
  create(request: CreateVideoRequest): Promise<ProviderVideo>;
  /** Continues a completed video by `seconds` (a new provider video). */
  extend(videoId: string, prompt: string, seconds: number): Promise<ProviderVideo>;
  remix(videoId: string, prompt: string): Promise<ProviderVideo>;
  retrieve(videoId: string): Promise<ProviderVideo>;
  /** Newest first, at most `limit`. */
  listRecent(limit: number): Promise<ProviderVideo[]>;
  download(videoId: string, variant: ContentVariant): Promise<ProviderContent>;
  delete(videoId: string): Promise<void>;
}

/** Thrown by adapters with the facts `classifyFailure` needs. */
export class ProviderCallError extends Error {
  constructor(
    message: string,
    readonly facts: { httpStatus?: number; code?: string | null; transport?: 'timeout' | 'connection'; retryAfter?: string | null },
  ) {
    super(message);
    this.name = 'ProviderCallError';
  }
}

/**
 * After a create whose answer was lost: the provider video that this request started, if any.
 * Matches model, size, seconds and prompt, created no earlier than `sinceEpochSeconds` (minus clock
 * slack), and not already claimed by another job; the oldest match wins.
 */
export function findReconciledVideo(
  candidates: readonly ProviderVideo[],
  request: { model: string; prompt: string; seconds: number; size: string },
  sinceEpochSeconds: number,
  claimed: ReadonlySet<string>,
  slackSeconds = 120,
): ProviderVideo | undefined {
  return candidates
    .filter(
      (v) =>
        !claimed.has(v.id) &&
        v.model === request.model &&
        v.size === request.size &&
        String(v.seconds) === String(request.seconds) &&
        (v.prompt === null || v.prompt === request.prompt) &&
        v.createdAt >= sinceEpochSeconds - slackSeconds,
    )
    .sort((a, b) => a.createdAt - b.createdAt)[0];
}
