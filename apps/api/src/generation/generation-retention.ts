// Retention of videos (COMPLIANCE.md): `user_deleted_videos` purges videos the user deleted 30 days
// after deletion by default; `videos` purges finished videos per the owner's plan (videoExpiresAt in
// libs/generation), with a "your videos expire soon" email N days before.
// For user-deleted videos:
// the sweep removes our files and the job row, in batches, and never a job under a legal hold on
// the job or on its user. The provider was asked to delete its copy at deletion time; a copy it
// still reports is asked again here.
import { SUBSCRIBED_STATUSES, graceDays } from '@soar2/generation';
import type { DataSource, EntityManager } from 'typeorm';
import type { UsersService } from '../identity/users.service';
import type { NotificationsService } from '../notifications/notifications.service';
import type { OutgoingMessage } from '../notifications/outgoing-message';
import type { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow } from '../retention/retention-sweepers.registry';
import type { GenerationJobsRepository } from './generation-jobs.repository';
import type { GenerationService } from './generation.service';
import type { GenerationWorker } from './generation-worker.service';

const HELD = `EXISTS (SELECT 1 FROM legal_holds lh WHERE lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
  AND ((lh.scope_type = 'job' AND lh.scope_id = j.id) OR (lh.scope_type = 'user' AND lh.scope_id = j.user_id)))`;

type PurgeDeps = { repo: GenerationJobsRepository; worker: GenerationWorker; generation: GenerationService };

/** Purges locked, due jobs: the provider's copy, our files, then the rows. */
async function purgeJobs(deps: PurgeDeps, due: ReadonlyArray<{ id: string }>, m: EntityManager): Promise<SweepBatchResult> {
  for (const { id } of due) {
    // The rows are locked by this transaction: read and record through it.
    const job = await deps.repo.get(id, m);
    if (job && job.providerVideoIds.length > 0 && !job.providerDeletedAt) await deps.generation.deleteAtProvider(job, m);
    await deps.worker.removeFiles(id, false);
  }
  if (due.length === 0) return { deleted: 0, anonymised: 0 };
  const [, deleted]: [unknown, number] = await m.query(`DELETE FROM generation_jobs WHERE id = ANY($1::uuid[])`, [due.map((d) => d.id)]);
  return { deleted, anonymised: 0 };
}

export function userDeletedVideosSweeper(deps: PurgeDeps): RetentionSweeper {
  return {
    category: 'user_deleted_videos',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      const [{ matched, held }]: Array<{ matched: number; held: number }> = await m.query(
        `SELECT count(*)::int AS matched, count(*) FILTER (WHERE ${HELD})::int AS held FROM generation_jobs j WHERE j.deleted_at IS NOT NULL AND j.deleted_at <= $1`,
        [w.cutoff],
      );
      const examples: Array<{ id: string; hold_id: string; reason: string }> = await m.query(
        `SELECT j.id, lh.id AS hold_id, lh.reason FROM generation_jobs j JOIN legal_holds lh ON lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
           AND ((lh.scope_type = 'job' AND lh.scope_id = j.id) OR (lh.scope_type = 'user' AND lh.scope_id = j.user_id))
          WHERE j.deleted_at IS NOT NULL AND j.deleted_at <= $1 ORDER BY j.deleted_at LIMIT 10`,
        [w.cutoff],
      );
      return { matched, held, heldExamples: examples.map((e) => ({ recordId: e.id, holdId: e.hold_id, reason: e.reason })) };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      const due: Array<{ id: string }> = await m.query(
        `SELECT j.id FROM generation_jobs j WHERE j.deleted_at IS NOT NULL AND j.deleted_at <= $1 AND NOT ${HELD} ORDER BY j.deleted_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [w.cutoff, Math.min(batchSize, 500)],
      );
      return purgeJobs(deps, due, m);
    },
  };
}

const DAY_MS = 86_400_000;

/**
 * Plan-based expiry of finished jobs, as SQL mirroring `videoExpiresAt` (libs/generation): a
 * subquery with each finished, not user-deleted job's `expires_at` (NULL while a paid subscription
 * keeps it). `$1` free/standard grace days, `$2` extended grace days, `$3` subscribed statuses.
 */
function expirySql(): string {
  return `SELECT j.id, j.user_id, j.completed_at, j.expiry_noticed_at, j.video_key,
      CASE
        WHEN s.retention_class IS NULL OR s.retention_class = 'free' THEN COALESCE(j.completed_at, j.updated_at) + make_interval(days => $1::int)
        WHEN s.status = ANY($3::text[]) THEN NULL
        ELSE GREATEST(COALESCE(j.completed_at, j.updated_at), COALESCE(s.ended_at, j.completed_at, j.updated_at))
             + make_interval(days => CASE s.retention_class WHEN 'extended' THEN $2::int ELSE $1::int END)
      END AS expires_at
    FROM generation_jobs j
    LEFT JOIN LATERAL (
      SELECT sub.status, COALESCE(p.retention_class, 'standard') AS retention_class,
             COALESCE(GREATEST(sub.current_period_end, sub.canceled_at), sub.updated_at) AS ended_at
        FROM subscriptions sub LEFT JOIN plans p ON p.id = sub.plan_id
       WHERE sub.user_id = j.user_id
       ORDER BY (sub.status = ANY($3::text[])) DESC, sub.updated_at DESC LIMIT 1
    ) s ON true
   WHERE j.deleted_at IS NULL AND j.status IN ('completed', 'failed', 'canceled')`;
}

function expiryParams(keepDays: number): [number, number, string[]] {
  return [graceDays('standard', keepDays), graceDays('extended', keepDays), [...SUBSCRIBED_STATUSES]];
}

/**
 * Due for purge (purgeAllowedAt): past expiry ($4 = now), and the owner told at least $5 days ago
 * (the "expire soon" email); jobs without an owner or without a video (failed, canceled) go at expiry.
 */
const NOTICED = `(x.user_id IS NULL OR x.video_key IS NULL OR x.expiry_noticed_at <= $4::timestamptz - make_interval(days => $5::int))`;
const DUE = `x.expires_at <= $4 AND ${NOTICED}`;
/** Held videos are never announced (nothing will happen to them): preview reports every expired one as held. */
const DUE_OR_HELD = `x.expires_at <= $4 AND (${NOTICED} OR ${HELD})`;

/** The window's "now": the sweep passes cutoff = now − keepDays. */
function windowNow(w: SweepWindow): Date {
  return new Date(w.cutoff.getTime() + w.keepDays * DAY_MS);
}

/**
 * `videos`: finished jobs past their plan-based expiry (videoExpiresAt) whose owner was told at
 * least `noticeDays` before (purgeAllowedAt) lose their files (video, thumbnail, reference image),
 * the provider's copy and the row, like user-deleted videos; a legal hold on the job or its user
 * keeps them.
 */
export function planVideosSweeper(deps: PurgeDeps & { noticeDays: number }): RetentionSweeper {
  return {
    category: 'videos',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      const params = [...expiryParams(w.keepDays), windowNow(w), deps.noticeDays];
      const [{ matched, held }]: Array<{ matched: number; held: number }> = await m.query(
        `SELECT count(*)::int AS matched, count(*) FILTER (WHERE ${HELD})::int AS held FROM (${expirySql()}) x JOIN generation_jobs j ON j.id = x.id WHERE ${DUE_OR_HELD}`,
        params,
      );
      const examples: Array<{ id: string; hold_id: string; reason: string }> = await m.query(
        `SELECT x.id, lh.id AS hold_id, lh.reason FROM (${expirySql()}) x JOIN legal_holds lh ON lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
           AND ((lh.scope_type = 'job' AND lh.scope_id = x.id) OR (lh.scope_type = 'user' AND lh.scope_id = x.user_id))
          WHERE x.expires_at <= $4 ORDER BY x.expires_at LIMIT 10`,
        params.slice(0, 4),
      );
      return { matched, held, heldExamples: examples.map((e) => ({ recordId: e.id, holdId: e.hold_id, reason: e.reason })) };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      const due: Array<{ id: string }> = await m.query(
        `SELECT x.id FROM (${expirySql()}) x JOIN generation_jobs j ON j.id = x.id
          WHERE ${DUE} AND NOT ${HELD} ORDER BY x.expires_at LIMIT $6 FOR UPDATE OF j SKIP LOCKED`,
        [...expiryParams(w.keepDays), windowNow(w), deps.noticeDays, Math.min(batchSize, 500)],
      );
      return purgeJobs(deps, due, m);
    },
  };
}

export interface ExpiryNoticeDeps {
  dataSource: DataSource;
  notifications: NotificationsService;
  users: UsersService;
  /** The `videos` policy's keepDays now in force; null while the policy is disabled (nothing expires). */
  keepDays: () => Promise<number | null>;
  noticeDays: number;
}

/**
 * Queues one service-critical "your videos expire soon" email per user for the videos (not held,
 * not yet announced) whose plan-based expiry falls within `noticeDays` (or passed unannounced); marks them announced in the
 * same transaction as the outbox row, so each batch is announced exactly once. Returns the emails queued.
 */
export async function sendExpiryNotices(deps: ExpiryNoticeDeps, now = new Date()): Promise<number> {
  const keepDays = await deps.keepDays();
  if (keepDays === null) return 0;
  const users: Array<{ user_id: string }> = await deps.dataSource.query(
    `SELECT DISTINCT x.user_id FROM (${expirySql()}) x JOIN generation_jobs j ON j.id = x.id
      WHERE x.user_id IS NOT NULL AND j.expiry_noticed_at IS NULL AND j.video_key IS NOT NULL
        AND x.expires_at <= $4::timestamptz + make_interval(days => $5::int) AND NOT ${HELD}`,
    [...expiryParams(keepDays), now, deps.noticeDays],
  );
  let sent = 0;
  for (const { user_id: userId } of users) {
    const queued = await deps.dataSource.transaction(async (m) => {
      const jobs: Array<{ id: string; expires_at: Date }> = await m.query(
        `SELECT x.id, x.expires_at FROM (${expirySql()}) x JOIN generation_jobs j ON j.id = x.id
          WHERE x.user_id = $6 AND j.expiry_noticed_at IS NULL AND j.video_key IS NOT NULL
            AND x.expires_at <= $4::timestamptz + make_interval(days => $5::int) AND NOT ${HELD}
          ORDER BY x.expires_at FOR UPDATE OF j SKIP LOCKED`,
        [...expiryParams(keepDays), now, deps.noticeDays, userId],
      );
      if (jobs.length === 0) return false;
      // Nobody to write to (no such account, no address): marked all the same, so the purge clock runs.
      const user = await deps.users.get(userId, m).catch(() => undefined);
      // Purge never comes sooner than noticeDays after this email (purgeAllowedAt).
      const first = new Date(Math.max(new Date(jobs[0]?.expires_at ?? now).getTime(), now.getTime() + deps.noticeDays * DAY_MS));
      if (user?.email) await deps.notifications.enqueue(expiryNotice(user.email, userId, jobs.length, first), m);
      await m.query(`UPDATE generation_jobs SET expiry_noticed_at = $2 WHERE id = ANY($1::uuid[])`, [jobs.map((j) => j.id), now]);
      return Boolean(user?.email);
    });
    if (queued) sent += 1;
  }
  return sent;
}

function expiryNotice(to: string, userId: string, count: number, first: Date): OutgoingMessage {
  const day = first.toISOString().slice(0, 10);
  const what = count === 1 ? 'One of your videos' : `${count} of your videos`;
  return {
    kind: 'generation.videos_expiring',
    class: 'service_critical',
    to,
    userId,
    subject: count === 1 ? 'A video of yours will be deleted soon' : `${count} of your videos will be deleted soon`,
    text: `${what} will be deleted from Soar2 from ${day} (UTC) under your plan's storage period.\n\nDownload what you want to keep before then, or choose a plan that keeps videos while you are subscribed.\n`,
  };
}
