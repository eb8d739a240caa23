// The generation rules in force, built once from the configuration.
import { Inject, Injectable } from '@nestjs/common';
import { BackoffPolicy, Catalogue, DEFAULT_CATALOGUE, DEFAULT_SCREENING_RULES, ScreeningRules, parseScreeningRules } from '@soar2/generation';
import { APP_CONFIG, AppConfig } from '../config/app-config';

@Injectable()
export class GenerationSettings {
  readonly catalogue: Catalogue = DEFAULT_CATALOGUE;
  readonly screening: ScreeningRules;
  readonly pollPolicy: BackoffPolicy;
  readonly retryPolicy: BackoffPolicy;
  readonly maxAttempts: number;
  readonly leaseMs: number;
  readonly inlineWaitMs: number;
  readonly deadlineMs: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const g = config.generation;
    const parsed = g.blockedTerms ? parseScreeningRules(g.blockedTerms) : undefined;
    this.screening = parsed?.ok ? parsed.rules : DEFAULT_SCREENING_RULES;
    this.pollPolicy = { baseMs: g.pollBaseMs, maxMs: g.pollMaxMs, factor: 1.5, jitter: 0.1 };
    this.retryPolicy = { baseMs: g.retryBaseMs, maxMs: g.retryMaxMs, factor: 2, jitter: 0.2 };
    this.maxAttempts = g.maxAttempts;
    this.leaseMs = g.leaseMs;
    this.inlineWaitMs = g.inlineWaitMs;
    this.deadlineMs = g.deadlineMinutes * 60_000;
  }
}

/** Where a job's files live in our storage. */
export const jobKeys = {
  prefix: (jobId: string): string => `generations/${jobId}/`,
  reference: (jobId: string, contentType: string): string => `generations/${jobId}/reference.${contentType === 'image/jpeg' ? 'jpg' : contentType === 'image/webp' ? 'webp' : 'png'}`,
  video: (jobId: string): string => `generations/${jobId}/video.mp4`,
  thumbnail: (jobId: string): string => `generations/${jobId}/thumbnail`,
};

export const GENERATION_QUEUE = 'generation.step';
