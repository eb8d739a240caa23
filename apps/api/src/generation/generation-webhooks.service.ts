// Provider webhooks: verified with the openai SDK (HMAC-SHA256 over `id.timestamp.body`, 5-minute
// tolerance), recorded by webhook id so a redelivery does nothing, then the job is asked to take
// its next step at once (the step re-reads the provider, so a forged-but-valid event cannot change
// a job's outcome by itself).
import { Inject, Injectable, Logger } from '@nestjs/common';
import OpenAI from 'openai';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { GenerationJobsRepository } from './generation-jobs.repository';
import { WebhookNotConfiguredException, WebhookSignatureInvalidException } from './generation.exception';
import { GenerationService } from './generation.service';

export interface WebhookOutcome {
  received: true;
  duplicate: boolean;
  jobId: string | null;
}

interface ProviderEvent {
  id?: string;
  type?: string;
  data?: { id?: string };
}

@Injectable()
export class GenerationWebhooksService {
  private readonly logger = new Logger('GenerationWebhooks');
  private readonly verifier: OpenAI | undefined;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repo: GenerationJobsRepository,
    private readonly generation: GenerationService,
  ) {
    const secret = config.generation.webhookSecret;
    // The client is used for verification only; it never sends a request.
    this.verifier = secret ? new OpenAI({ apiKey: 'webhook-verification-only', webhookSecret: secret, maxRetries: 0 }) : undefined;
  }

  async receive(rawBody: Buffer | undefined, headers: Record<string, string>): Promise<WebhookOutcome> {
    if (!this.verifier) throw new WebhookNotConfiguredException();
    let event: ProviderEvent;
    try {
      event = (await this.verifier.webhooks.unwrap((rawBody ?? Buffer.alloc(0)).toString('utf8'), headers)) as ProviderEvent;
    } catch {
      throw new WebhookSignatureInvalidException();
    }
    const webhookId = headers['webhook-id'] ?? event.id ?? '';
    const videoId = typeof event.data?.id === 'string' ? event.data.id : null;
    const fresh = await this.repo.recordWebhook(webhookId, String(event.type ?? 'unknown'), videoId);
    if (!fresh) return { received: true, duplicate: true, jobId: null };
    const job = videoId ? await this.repo.findByProviderVideo(videoId) : undefined;
    if (job && (job.status === 'queued' || job.status === 'in_progress')) await this.generation.enqueue(job.id);
    this.logger.debug({ type: event.type, jobId: job?.id ?? null }, 'video provider webhook');
    return { received: true, duplicate: false, jobId: job?.id ?? null };
  }
}
