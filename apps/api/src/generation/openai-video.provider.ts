// The OpenAI-compatible provider: the official `openai` SDK's `client.videos.*` against any
// `/videos` endpoint (OpenAI, a compatible service, or our simulator). The client never retries on
// its own (maxRetries 0): a retried create could start a second paid video, so the workers decide
// what to retry and reconcile lost creates by listing.
import { ContentVariant, CreateVideoRequest, ProviderCallError, ProviderContent, ProviderVideo, VideoProvider } from '@soar2/generation';
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, toFile } from 'openai';
import type { Video } from 'openai/resources/videos';

export interface OpenAiVideoProviderOptions {
  name: string;
  apiKey: string;
  baseURL: string | undefined;
  /** Per request, until the answer's headers. */
  timeoutMs: number;
  /** Longest silence while reading a download before it counts as a timeout. */
  idleTimeoutMs: number;
}

type VideoSeconds = '4' | '8' | '12';

export class OpenAiVideoProvider implements VideoProvider {
  readonly name: string;
  private readonly client: OpenAI;

  constructor(private readonly options: OpenAiVideoProviderOptions) {
    this.name = options.name;
    this.client = new OpenAI({ apiKey: options.apiKey, baseURL: options.baseURL, maxRetries: 0, timeout: options.timeoutMs });
  }

  async create(request: CreateVideoRequest): Promise<ProviderVideo> {
    const inputReference = request.inputReference
      ? await toFile(Buffer.from(request.inputReference.data), request.inputReference.filename, { type: request.inputReference.contentType })
      : undefined;
    return call(async () =>
      toProviderVideo(
        await this.client.videos.create(
          { model: request.model, prompt: request.prompt, seconds: String(request.seconds) as VideoSeconds, size: request.size, ...(inputReference ? { input_reference: inputReference } : {}) },
          { maxRetries: 0 },
        ),
      ),
    );
  }

  extend(videoId: string, prompt: string, seconds: number): Promise<ProviderVideo> {
    return call(async () => toProviderVideo(await this.client.videos.extend({ prompt, seconds: String(seconds) as VideoSeconds, video: { id: videoId } }, { maxRetries: 0 })));
  }

  remix(videoId: string, prompt: string): Promise<ProviderVideo> {
    return call(async () => toProviderVideo(await this.client.videos.remix(videoId, { prompt }, { maxRetries: 0 })));
  }

  retrieve(videoId: string): Promise<ProviderVideo> {
    return call(async () => toProviderVideo(await this.client.videos.retrieve(videoId)));
  }

  listRecent(limit: number): Promise<ProviderVideo[]> {
    return call(async () => {
      const page = await this.client.videos.list({ limit, order: 'desc' });
      return page.data.map(toProviderVideo);
    });
  }

  download(videoId: string, variant: ContentVariant): Promise<ProviderContent> {
    return call(async () => {
      const response = await this.client.videos.downloadContent(videoId, { variant });
      if (!response.body) throw new ProviderCallError('The provider answered without a body.', { transport: 'connection' });
      const length = response.headers.get('content-length');
      return {
        body: guardStream(response.body, this.options.idleTimeoutMs),
        contentType: response.headers.get('content-type') ?? (variant === 'video' ? 'video/mp4' : 'image/webp'),
        contentLength: length !== null && /^\d+$/.test(length) ? Number(length) : null,
      };
    });
  }

  async delete(videoId: string): Promise<void> {
    try {
      await this.client.videos.delete(videoId);
    } catch (err) {
      // Already gone is what we wanted.
      if (err instanceof APIError && err.status === 404) return;
      throw toCallError(err);
    }
  }
}

export function toProviderVideo(v: Video): ProviderVideo {
  return {
    id: v.id,
    status: v.status,
    progress: typeof v.progress === 'number' ? v.progress : 0,
    model: String(v.model),
    seconds: String(v.seconds),
    size: String(v.size),
    prompt: v.prompt ?? null,
    createdAt: v.created_at,
    expiresAt: v.expires_at ?? null,
    error: v.error ? { code: String(v.error.code), message: String(v.error.message) } : null,
  };
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toCallError(err);
  }
}

/** SDK errors → the facts error classification needs (no SDK types leave this file). */
export function toCallError(err: unknown): ProviderCallError {
  if (err instanceof ProviderCallError) return err;
  if (err instanceof APIConnectionTimeoutError) return new ProviderCallError('The provider did not answer in time.', { transport: 'timeout' });
  if (err instanceof APIConnectionError) return new ProviderCallError('The connection to the provider failed.', { transport: 'connection' });
  if (err instanceof APIError) {
    const body = err.error as { code?: unknown; message?: unknown } | undefined;
    const code = typeof err.code === 'string' ? err.code : typeof body?.code === 'string' ? body.code : null;
    const message = typeof body?.message === 'string' ? body.message : err.message;
    return new ProviderCallError(message, { httpStatus: err.status, code, retryAfter: err.headers?.get('retry-after') ?? null });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new ProviderCallError(message, { transport: 'connection' });
}

/** The body's chunks; a cut connection or `idleMs` of silence ends the iteration with a ProviderCallError. */
async function* guardStream(body: { getReader(): { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } }, idleMs: number): AsyncIterable<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProviderCallError('The download stalled.', { transport: 'timeout' })), idleMs);
      });
      let result: { done: boolean; value?: Uint8Array };
      try {
        result = await Promise.race([reader.read(), idle]);
      } catch (err) {
        throw err instanceof ProviderCallError ? err : new ProviderCallError('The download was interrupted.', { transport: 'connection' });
      } finally {
        clearTimeout(timer);
      }
      if (result.done) return;
      if (result.value) yield result.value;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}
