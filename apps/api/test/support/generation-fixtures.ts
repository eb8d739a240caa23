import { createHash } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import OpenAI from 'openai';
import { DataSource } from 'typeorm';
import { CreditsService } from '../../src/credits/credits.service';
import { StorageService } from '../../src/storage/storage.service';
import type { VideoSimulator } from '../../src/generation/simulator/video-simulator';

export const WEBHOOK_SECRET = `whsec_${Buffer.from('generation-test-webhook-secret-0123456789').toString('base64')}`;

/** Fast timings so that retries and polls take milliseconds (the behaviour, not the speed, is under test). */
export function generationEnv(sim: VideoSimulator, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OPENAI_API_KEY: 'sk-test-generation',
    OPENAI_BASE_URL: sim.url,
    OPENAI_WEBHOOK_SECRET: WEBHOOK_SECRET,
    GENERATION_POLL_BASE_MS: '20',
    GENERATION_POLL_MAX_MS: '100',
    GENERATION_RETRY_BASE_MS: '20',
    GENERATION_RETRY_MAX_MS: '100',
    GENERATION_REQUEST_TIMEOUT_MS: '700',
    GENERATION_DOWNLOAD_IDLE_TIMEOUT_MS: '700',
    GENERATION_INLINE_WAIT_MS: '1000',
    GENERATION_SWEEP_CRON: '* * * * * *',
    DATABASE_POOL_SIZE: '20',
    ...extra,
  };
}

export interface JobState {
  id: string;
  status: string;
  stage: string;
  credits: number;
  credits_outcome: string | null;
  error_class: string | null;
  error_code: string | null;
  moderation_reason: string | null;
  provider_video_ids: string[];
  video_key: string | null;
  video_sha256: string | null;
  thumbnail_key: string | null;
  reference_key: string | null;
}

/** Waits until the job reaches a final status (eventual, not timed: the deadline only stops a hung test). */
export async function waitForFinal(ds: DataSource, id: string, timeoutMs = 30_000): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows: JobState[] = await ds.query(`SELECT * FROM generation_jobs WHERE id = $1`, [id]);
    const row = rows[0];
    if (row && ['completed', 'failed', 'canceled'].includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`job ${id} still ${row?.status}/${row?.stage} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function grantCredits(app: INestApplication, userId: string, amount: number, key: string): Promise<void> {
  await app.get(CreditsService).grant({ userId, amount, kind: 'purchase', idempotencyKey: key, reason: 'test credits' });
}

export async function storedKeys(app: INestApplication, jobId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of app.get(StorageService).list(`generations/${jobId}/`)) out.push(o.key.slice(`generations/${jobId}/`.length));
  return out.sort();
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Our stored copy disappears and the provider deletes its own (as after expiry). */
export async function loseVideo(app: INestApplication, sim: VideoSimulator, jobId: string, providerVideoIds: string[]): Promise<void> {
  await app.get(StorageService).delete(`generations/${jobId}/video.mp4`);
  const client = new OpenAI({ apiKey: 'sk-test', baseURL: sim.url });
  for (const id of providerVideoIds) await client.videos.delete(id);
}
