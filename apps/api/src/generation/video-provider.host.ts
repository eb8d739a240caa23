// Chooses the video provider at start: the OpenAI-compatible endpoint when OPENAI_API_KEY is set,
// otherwise the local simulator, started in this process on a loopback port and labelled as such
// in the logs and the console.
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { VideoProvider } from '@soar2/generation';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { OpenAiVideoProvider } from './openai-video.provider';
import { VideoSimulator } from './simulator/video-simulator';

export interface ProviderInfo {
  name: string;
  simulator: boolean;
  /** Where requests go (the simulator's loopback URL, or the configured base URL / OpenAI's). */
  baseUrl: string;
  label: string;
}

@Injectable()
export class VideoProviderHost implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('VideoProvider');
  private simulator: VideoSimulator | undefined;
  private current: VideoProvider | undefined;
  private details: ProviderInfo | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const g = this.config.generation;
    const { openaiApiKey, openaiBaseUrl } = this.config.provider;
    const common = { timeoutMs: g.requestTimeoutMs, idleTimeoutMs: g.downloadIdleTimeoutMs };
    if (openaiApiKey) {
      const baseUrl = openaiBaseUrl ?? 'https://api.openai.com/v1';
      this.current = new OpenAiVideoProvider({ name: 'openai', apiKey: openaiApiKey, baseURL: baseUrl, ...common });
      this.details = { name: 'openai', simulator: false, baseUrl, label: `OpenAI-compatible /videos at ${new URL(baseUrl).host}` };
      this.logger.log({ provider: 'openai', host: new URL(baseUrl).host }, 'video provider: OpenAI-compatible endpoint');
      return;
    }
    const sim = new VideoSimulator({
      latencyMs: g.simulator.latencyMs,
      failureRate: g.simulator.failurePercent / 100,
      moderationRate: g.simulator.moderationPercent / 100,
      expiresInSeconds: g.simulator.expiresInSeconds,
      // With a signing secret, the simulator also sends signed webhooks to this server, as a provider would.
      ...(g.webhookSecret ? { webhook: { url: `${this.config.publicUrl}/webhooks/video-provider`, secret: g.webhookSecret } } : {}),
    });
    const url = await sim.start(g.simulator.port, '127.0.0.1');
    this.simulator = sim;
    this.current = new OpenAiVideoProvider({ name: 'simulator', apiKey: 'simulator-no-key', baseURL: url, ...common });
    this.details = { name: 'simulator', simulator: true, baseUrl: url, label: 'LOCAL SIMULATOR — no real videos are generated (set OPENAI_API_KEY for a real provider)' };
    this.logger.warn({ provider: 'simulator', listen: 'loopback', port: Number(new URL(url).port) }, 'video provider: LOCAL SIMULATOR (no OPENAI_API_KEY); videos are a bundled sample clip');
  }

  async onApplicationShutdown(): Promise<void> {
    await this.simulator?.stop();
  }

  get provider(): VideoProvider {
    if (!this.current) throw new Error('The video provider is not started yet.');
    return this.current;
  }

  info(): ProviderInfo {
    if (!this.details) throw new Error('The video provider is not started yet.');
    return this.details;
  }

  /** The in-process simulator, when it is the provider (tests and the demo). */
  get localSimulator(): VideoSimulator | undefined {
    return this.simulator;
  }
}
