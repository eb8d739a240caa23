import { MigrationInterface, QueryRunner } from 'typeorm';

/** One row per scheduled task per tick: the unique (task, tick) is what makes N replicas run each tick once. */
export class ScheduledTaskRuns1764230460000 implements MigrationInterface {
  name = 'ScheduledTaskRuns1764230460000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE scheduled_task_runs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        task text NOT NULL CHECK (length(task) BETWEEN 1 AND 200),
        tick timestamptz NOT NULL,
        instance_id text NOT NULL,
        status text NOT NULL DEFAULT 'running' CHECK (status IN ('running','succeeded','failed')),
        started_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        error text
      )`);
    await q.query(`CREATE UNIQUE INDEX scheduled_task_runs_task_tick_key ON scheduled_task_runs (task, tick)`);
    await q.query(`CREATE INDEX scheduled_task_runs_started_at_idx ON scheduled_task_runs (started_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE scheduled_task_runs`);
  }
}
