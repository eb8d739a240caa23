import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Video generation: one row per job (its request, provider state, credit hold, stored assets and
 * classified error), a timeline of every state change, webhook deliveries seen (duplicate-safe) and
 * per-user preference aggregates. Timeline rows are never updated; they are deleted only with their
 * job (erasure, retention purge).
 */
export class GenerationJobs1795794500973 implements MigrationInterface {
  name = 'GenerationJobs1795794500973';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE generation_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid REFERENCES users(id) ON DELETE SET NULL,
        kind text NOT NULL DEFAULT 'create' CHECK (kind IN ('create', 'remix', 'retry')),
        source_job_id uuid REFERENCES generation_jobs(id) ON DELETE SET NULL,
        prompt text NOT NULL,
        style text,
        model text NOT NULL,
        seconds integer NOT NULL CHECK (seconds > 0),
        size text NOT NULL,
        plan integer[] NOT NULL,
        segment_index integer NOT NULL DEFAULT 0,
        status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'in_progress', 'completed', 'failed', 'canceled')),
        stage text NOT NULL DEFAULT 'pending_submit' CHECK (stage IN ('pending_submit', 'submitting', 'generating', 'downloading', 'done')),
        progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
        credits integer NOT NULL CHECK (credits >= 0),
        hold_id text,
        credits_outcome text CHECK (credits_outcome IN ('captured', 'released', 'refunded')),
        provider text NOT NULL,
        provider_video_id text,
        provider_video_ids text[] NOT NULL DEFAULT '{}',
        provider_status text,
        submit_started_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        polls integer NOT NULL DEFAULT 0,
        next_step_at timestamptz NOT NULL DEFAULT now(),
        lease_until timestamptz,
        leased_by text,
        deadline_at timestamptz NOT NULL,
        reference_key text,
        reference_content_type text,
        reference_sha256 text,
        video_key text,
        video_sha256 text,
        video_bytes bigint,
        thumbnail_key text,
        thumbnail_sha256 text,
        asset_expires_at timestamptz,
        error_class text CHECK (error_class IN ('moderation_blocked', 'invalid_request', 'provider_unavailable', 'rate_limited', 'timeout', 'asset_expired', 'internal')),
        error_code text,
        error_message text,
        moderation_reason text,
        deleted_at timestamptz,
        provider_deleted_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX generation_jobs_user_created_idx ON generation_jobs (user_id, created_at DESC)`);
    await q.query(`CREATE INDEX generation_jobs_created_idx ON generation_jobs (created_at DESC)`);
    await q.query(`CREATE INDEX generation_jobs_active_idx ON generation_jobs (next_step_at) WHERE status IN ('queued', 'in_progress')`);
    await q.query(`CREATE INDEX generation_jobs_status_idx ON generation_jobs (status, error_class)`);
    await q.query(`CREATE UNIQUE INDEX generation_jobs_provider_video_idx ON generation_jobs (provider, provider_video_id) WHERE provider_video_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE generation_job_events (
        id bigserial PRIMARY KEY,
        job_id uuid NOT NULL REFERENCES generation_jobs(id) ON DELETE CASCADE,
        at timestamptz NOT NULL DEFAULT clock_timestamp(),
        event text NOT NULL,
        status text NOT NULL,
        stage text NOT NULL,
        progress integer NOT NULL,
        actor text NOT NULL DEFAULT 'system',
        detail jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX generation_job_events_job_idx ON generation_job_events (job_id, id)`);
    await q.query(`
      CREATE FUNCTION generation_job_events_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'generation_job_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`
      CREATE TRIGGER generation_job_events_append_only BEFORE UPDATE OR TRUNCATE ON generation_job_events
        FOR EACH STATEMENT EXECUTE FUNCTION generation_job_events_refuse_update()`);

    await q.query(`
      CREATE TABLE generation_webhook_events (
        webhook_id text PRIMARY KEY,
        event_type text NOT NULL,
        provider_video_id text,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE generation_preferences (
        user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
        counts jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE generation_preferences`);
    await q.query(`DROP TABLE generation_webhook_events`);
    await q.query(`DROP TABLE generation_job_events`);
    await q.query(`DROP FUNCTION generation_job_events_refuse_update()`);
    await q.query(`DROP TABLE generation_jobs`);
  }
}
