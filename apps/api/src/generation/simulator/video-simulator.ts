// A local video provider speaking the OpenAI `/videos` protocol (what `client.videos.*` calls):
// create (multipart or JSON), retrieve, list, delete, content (video/thumbnail), extensions and
// remix. Videos go queued → in_progress (rising progress) → completed or failed after `latencyMs`.
// Tests inject faults (HTTP errors, hangs, cut transfers, expired or moderated outcomes); when a
// webhook target is set it sends signed `video.completed`/`video.failed` events like the provider.
import { createHmac, randomBytes } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { samplePng, sampleVideo } from './sample-assets';

export type SimulatedOutcome = 'completed' | 'failed' | 'moderation' | 'expired';
export type SimulatorOp = 'create' | 'retrieve' | 'list' | 'content' | 'extend' | 'remix' | 'delete';
/**
 * `http500`/`http429`: answer with that status. `hang`: never answer. `hang_after_commit`: do the
 * work (e.g. create the video) and then never answer — the lost-answer case. `cut`: send half the
 * body and drop the connection (content only). `stall`: send half the body and then nothing.
 */
export type SimulatorFaultKind = 'http500' | 'http429' | 'hang' | 'hang_after_commit' | 'cut' | 'stall';

export interface SimulatorOptions {
  latencyMs: number;
  /** Share of videos that fail (0–1), and that fail moderation. */
  failureRate: number;
  moderationRate: number;
  /** How long a completed video's assets stay downloadable. */
  expiresInSeconds: number;
  webhook?: { url: string; secret: string };
  random?: () => number;
}

interface SimVideo {
  id: string;
  model: string;
  prompt: string;
  seconds: string;
  size: string;
  createdAtMs: number;
  outcome: SimulatedOutcome;
  remixedFrom: string | null;
  deleted: boolean;
  webhookSent: boolean;
  hadReference: boolean;
}

interface Fault {
  op: SimulatorOp;
  kind: SimulatorFaultKind;
  remaining: number;
}

const DEFAULTS: SimulatorOptions = { latencyMs: 3000, failureRate: 0, moderationRate: 0, expiresInSeconds: 3600 };

export class VideoSimulator {
  readonly options: SimulatorOptions;
  private server: Server | undefined;
  private readonly videos = new Map<string, SimVideo>();
  private readonly faults: Fault[] = [];
  private readonly outcomes: SimulatedOutcome[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly video = sampleVideo();
  readonly thumbnail = samplePng();
  /** Every request seen, `METHOD path` (tests count provider calls). */
  readonly requests: string[] = [];
  url = '';

  constructor(options: Partial<SimulatorOptions> = {}) {
    this.options = { ...DEFAULTS, ...options };
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => server.listen(port, host, resolve));
    this.server = server;
    const { port: actual } = server.address() as AddressInfo;
    this.url = `http://${host}:${actual}`;
    return this.url;
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next `times` calls of `op` fail with `kind`. */
  addFault(op: SimulatorOp, kind: SimulatorFaultKind, times = 1): void {
    this.faults.push({ op, kind, remaining: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** The next created videos end this way (in order), before the random rates apply. */
  queueOutcome(...outcomes: SimulatedOutcome[]): void {
    this.outcomes.push(...outcomes);
  }

  /** Ids of videos that exist and were not deleted (tests check nothing is left behind). */
  liveVideoIds(): string[] {
    return [...this.videos.values()].filter((v) => !v.deleted).map((v) => v.id);
  }

  count(prefix: string): number {
    return this.requests.filter((r) => r.startsWith(prefix)).length;
  }

  private takeFault(op: SimulatorOp): SimulatorFaultKind | undefined {
    const f = this.faults.find((x) => x.op === op && x.remaining > 0);
    if (!f) return undefined;
    f.remaining -= 1;
    return f.kind;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const parts = url.pathname.replace(/^\/v1/, '').split('/').filter(Boolean);
    this.requests.push(`${req.method} /${parts.join('/')}`);
    try {
      if (parts[0] !== 'videos') return json(res, 404, { error: { message: 'Not found', type: 'invalid_request_error', code: 'not_found' } });
      const body = await readBody(req);
      if (req.method === 'POST' && parts.length === 1) return await this.create(req, res, body);
      if (req.method === 'POST' && parts[1] === 'extensions') return await this.extend(req, res, body);
      if (req.method === 'POST' && parts.length === 3 && parts[2] === 'remix') return await this.remix(req, res, parts[1] as string, body);
      if (req.method === 'GET' && parts.length === 1) return this.list(res, url);
      if (req.method === 'GET' && parts.length === 2) return this.retrieve(res, parts[1] as string);
      if (req.method === 'GET' && parts.length === 3 && parts[2] === 'content') return this.content(res, parts[1] as string, url.searchParams.get('variant') ?? 'video');
      if (req.method === 'DELETE' && parts.length === 2) return this.remove(res, parts[1] as string);
      return json(res, 404, { error: { message: 'Not found', type: 'invalid_request_error', code: 'not_found' } });
    } catch (err) {
      return json(res, 500, { error: { message: err instanceof Error ? err.message : 'simulator error', type: 'server_error', code: null } });
    }
  }

  /** Applies an injected fault; true when the response is taken care of. */
  private fault(op: SimulatorOp, res: ServerResponse, phase: 'before' | 'after'): boolean {
    const kind = this.faults.find((x) => x.op === op && x.remaining > 0)?.kind;
    if (!kind) return false;
    if ((kind === 'hang_after_commit') !== (phase === 'after')) return false;
    if (kind === 'cut' || kind === 'stall') return false;
    this.takeFault(op);
    if (kind === 'http500') json(res, 500, { error: { message: 'The server had an error while processing your request.', type: 'server_error', code: null } });
    else if (kind === 'http429') {
      res.setHeader('retry-after', '0');
      json(res, 429, { error: { message: 'Rate limit reached.', type: 'requests', code: 'rate_limit_exceeded' } });
    }
    // hang / hang_after_commit: never answer; the client times out.
    return true;
  }

  private async create(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (this.fault('create', res, 'before')) return;
    const form = await parseBody(req, body);
    const prompt = form.get('prompt') ?? '';
    if (!prompt) return json(res, 400, { error: { message: 'prompt is required', type: 'invalid_request_error', code: 'missing_prompt' } });
    const video = this.newVideo({
      model: form.get('model') ?? 'sora-2',
      prompt,
      seconds: form.get('seconds') ?? '4',
      size: form.get('size') ?? '720x1280',
      remixedFrom: null,
      hadReference: form.has('input_reference'),
    });
    if (this.fault('create', res, 'after')) return;
    json(res, 200, this.view(video));
  }

  private async extend(req: IncomingMessage, res: ServerResponse, body: Buffer): Promise<void> {
    if (this.fault('extend', res, 'before')) return;
    const form = await parseBody(req, body);
    const sourceId = form.get('video[id]') ?? form.get('video_id') ?? '';
    const source = this.videos.get(sourceId);
    if (!source || source.deleted) return json(res, 404, { error: { message: `Video ${sourceId} not found`, type: 'invalid_request_error', code: 'video_not_found' } });
    if (this.statusOf(source).status !== 'completed') return json(res, 400, { error: { message: 'Only a completed video can be extended.', type: 'invalid_request_error', code: 'video_not_ready' } });
    const seconds = String(Number(source.seconds) + Number(form.get('seconds') ?? '4'));
    const video = this.newVideo({ model: source.model, prompt: form.get('prompt') ?? source.prompt, seconds, size: source.size, remixedFrom: null, hadReference: false });
    if (this.fault('extend', res, 'after')) return;
    json(res, 200, this.view(video));
  }

  private async remix(req: IncomingMessage, res: ServerResponse, sourceId: string, body: Buffer): Promise<void> {
    if (this.fault('remix', res, 'before')) return;
    const form = await parseBody(req, body);
    const source = this.videos.get(sourceId);
    if (!source || source.deleted) return json(res, 404, { error: { message: `Video ${sourceId} not found`, type: 'invalid_request_error', code: 'video_not_found' } });
    const video = this.newVideo({ model: source.model, prompt: form.get('prompt') ?? '', seconds: source.seconds, size: source.size, remixedFrom: source.id, hadReference: false });
    json(res, 200, this.view(video));
  }

  private list(res: ServerResponse, url: URL): void {
    if (this.fault('list', res, 'before')) return;
    const limit = Math.min(100, Number(url.searchParams.get('limit') ?? '20') || 20);
    const order = url.searchParams.get('order') === 'asc' ? 1 : -1;
    let all = [...this.videos.values()].filter((v) => !v.deleted).sort((a, b) => order * (a.createdAtMs - b.createdAtMs));
    const after = url.searchParams.get('after');
    if (after) all = all.slice(all.findIndex((v) => v.id === after) + 1);
    const data = all.slice(0, limit).map((v) => this.view(v));
    json(res, 200, { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data[data.length - 1]?.id ?? null, has_more: all.length > limit });
  }

  private retrieve(res: ServerResponse, id: string): void {
    if (this.fault('retrieve', res, 'before')) return;
    const video = this.videos.get(id);
    if (!video || video.deleted) return json(res, 404, { error: { message: `Video ${id} not found`, type: 'invalid_request_error', code: 'video_not_found' } });
    json(res, 200, this.view(video));
  }

  private content(res: ServerResponse, id: string, variant: string): void {
    if (this.fault('content', res, 'before')) return;
    const video = this.videos.get(id);
    const state = video && !video.deleted ? this.statusOf(video) : undefined;
    if (!video || !state || state.status !== 'completed') {
      return json(res, 404, { error: { message: `Video ${id} has no content`, type: 'invalid_request_error', code: 'video_not_found' } });
    }
    const bytes = variant === 'thumbnail' ? this.thumbnail : this.video;
    res.writeHead(200, { 'content-type': variant === 'thumbnail' ? 'image/png' : 'video/mp4', 'content-length': String(bytes.length) });
    const kind = this.faults.find((x) => x.op === 'content' && x.remaining > 0 && (x.kind === 'cut' || x.kind === 'stall'))?.kind;
    if (kind) {
      this.takeFault('content');
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      if (kind === 'cut') setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.end(bytes);
  }

  private remove(res: ServerResponse, id: string): void {
    if (this.fault('delete', res, 'before')) return;
    const video = this.videos.get(id);
    if (!video || video.deleted) return json(res, 404, { error: { message: `Video ${id} not found`, type: 'invalid_request_error', code: 'video_not_found' } });
    video.deleted = true;
    json(res, 200, { id, deleted: true, object: 'video.deleted' });
  }

  private newVideo(v: Pick<SimVideo, 'model' | 'prompt' | 'seconds' | 'size' | 'remixedFrom' | 'hadReference'>): SimVideo {
    const random = this.options.random ?? Math.random;
    const outcome: SimulatedOutcome =
      this.outcomes.shift() ?? (random() < this.options.moderationRate ? 'moderation' : random() < this.options.failureRate ? 'failed' : 'completed');
    const video: SimVideo = { ...v, id: `video_${randomBytes(12).toString('hex')}`, createdAtMs: Date.now(), outcome, deleted: false, webhookSent: false };
    this.videos.set(video.id, video);
    if (this.options.webhook) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        void this.sendWebhook(video);
      }, this.options.latencyMs);
      this.timers.add(t);
    }
    return video;
  }

  private statusOf(v: SimVideo): { status: string; progress: number; error: { code: string; message: string } | null } {
    const elapsed = Date.now() - v.createdAtMs;
    const latency = this.options.latencyMs;
    if (elapsed < latency) {
      if (elapsed < latency * 0.1) return { status: 'queued', progress: 0, error: null };
      return { status: 'in_progress', progress: Math.min(99, Math.floor((elapsed / latency) * 100)), error: null };
    }
    switch (v.outcome) {
      case 'completed':
        if (Date.now() > v.createdAtMs + latency + this.options.expiresInSeconds * 1000) return { status: 'expired', progress: 100, error: null };
        return { status: 'completed', progress: 100, error: null };
      case 'expired':
        return { status: 'expired', progress: 100, error: null };
      case 'moderation':
        return { status: 'failed', progress: 100, error: { code: 'moderation_blocked', message: 'The request was blocked by the moderation system.' } };
      default:
        return { status: 'failed', progress: 100, error: { code: 'video_generation_failed', message: 'The video could not be generated.' } };
    }
  }

  private view(v: SimVideo): Record<string, unknown> {
    const s = this.statusOf(v);
    const completedAt = s.status === 'completed' || s.status === 'expired' ? Math.floor((v.createdAtMs + this.options.latencyMs) / 1000) : null;
    return {
      id: v.id,
      object: 'video',
      model: v.model,
      prompt: v.prompt,
      seconds: v.seconds,
      size: v.size,
      status: s.status,
      progress: s.progress,
      created_at: Math.floor(v.createdAtMs / 1000),
      completed_at: completedAt,
      expires_at: completedAt === null ? null : completedAt + this.options.expiresInSeconds,
      error: s.error,
      remixed_from_video_id: v.remixedFrom,
    };
  }

  private async sendWebhook(v: SimVideo): Promise<void> {
    const hook = this.options.webhook;
    if (!hook || v.deleted || v.webhookSent) return;
    v.webhookSent = true;
    const s = this.statusOf(v);
    const type = s.status === 'completed' ? 'video.completed' : 'video.failed';
    const payload = JSON.stringify({ id: `evt_${randomBytes(12).toString('hex')}`, object: 'event', type, created_at: Math.floor(Date.now() / 1000), data: { id: v.id } });
    const headers = signWebhook(hook.secret, payload);
    try {
      await fetch(hook.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload });
    } catch {
      // The receiver is down: polling covers missed webhooks.
    }
  }
}

/** Headers of a webhook signed as the provider (and the SDK's `webhooks.unwrap`) does. */
export function signWebhook(secret: string, payload: string, id = `wh_${randomBytes(8).toString('hex')}`, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice('whsec_'.length), 'base64') : Buffer.from(secret, 'utf8');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Form fields of a multipart or JSON body (files are reduced to their presence). */
async function parseBody(req: IncomingMessage, body: Buffer): Promise<Map<string, string>> {
  const type = req.headers['content-type'] ?? '';
  const out = new Map<string, string>();
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(body, { headers: { 'content-type': type } }).formData();
    form.forEach((value, key) => out.set(key, typeof value === 'string' ? value : `file:${value.size}`));
  } else if (body.length > 0) {
    const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    for (const [k, v] of Object.entries(parsed)) {
      if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v as Record<string, unknown>)) out.set(`${k}[${k2}]`, String(v2));
      else out.set(k, String(v));
    }
  }
  return out;
}
