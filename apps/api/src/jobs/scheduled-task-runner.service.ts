import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { redactText } from '@soar2/privacy';
import { CronJob, CronTime } from 'cron';
import { DataSource, QueryRunner } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { parseCron, scheduledTick } from './scheduled-tick';

/** What a task receives: the tick it runs for, and a signal that fires when the process is stopping. */
export interface TaskRun {
  tick: Date;
  signal: AbortSignal;
}

export type ScheduledTaskFn = (run: TaskRun) => Promise<void> | void;

/**
 * How an attempt ended: `succeeded`/`failed` (this process ran it), `already_ran` (a run for
 * this task and tick is recorded), `locked` (a run of this task is in progress somewhere),
 * `unavailable` (the process is stopping or the bookkeeping could not reach the database).
 */
export type TaskRunOutcome = 'succeeded' | 'failed' | 'already_ran' | 'locked' | 'unavailable';

const TASK_NAME_RE = /^[a-z0-9][a-z0-9._-]{0,199}$/;
const MAX_ERROR_LENGTH = 2000;
// A 64-bit key from the task name, so distinct tasks practically never share a lock.
const LOCK_KEY_SQL = `('x' || substr(md5('soar2:task:' || $1), 1, 16))::bit(64)::bigint`;

/** Runs named tasks on cron schedules so that N replicas run each tick once (scheduler role only). */
@Injectable()
export class ScheduledTaskRunner implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger(ScheduledTaskRunner.name);
  /** Identifies this process in scheduled_task_runs. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly names = new Set<string>();
  private readonly jobs: CronJob[] = [];
  private readonly inFlight = new Map<string, Promise<TaskRunOutcome>>();
  private readonly stopping = new AbortController();
  private bootstrapped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly registry: SchedulerRegistry,
  ) {}

  /** Registers `fn` to run at every tick of `cronExpression` (5 or 6 fields); only processes with the scheduler role fire it. */
  schedule(name: string, cronExpression: string, fn: ScheduledTaskFn, options: { timeZone?: string } = {}): void {
    if (!TASK_NAME_RE.test(name)) throw new Error(`The task name "${name}" must be lower-case letters, digits, dots, dashes or underscores.`);
    if (this.names.has(name)) throw new Error(`A scheduled task named "${name}" is already registered.`);
    const cronTime = parseCron(cronExpression, options.timeZone);
    this.names.add(name);
    if (!this.config.roles.has('scheduler')) {
      this.logger.debug({ task: name }, 'scheduled task registered; this process has no scheduler role, so it never fires here');
      return;
    }
    const job: CronJob = CronJob.from({
      cronTime: cronExpression,
      timeZone: options.timeZone,
      name,
      start: false,
      onTick: (): Promise<void> => this.onTick(name, cronTime, job, fn),
      errorHandler: (err: unknown) => this.logger.error({ task: name, err: toError(err) }, 'scheduled task callback failed'),
    });
    this.registry.addCronJob(name, job);
    this.jobs.push(job);
    if (this.bootstrapped && !this.stopping.signal.aborted) job.start();
  }

  /** Runs `fn` for `tick` unless a run of `name` is in progress anywhere or this tick already ran; never throws. */
  async runExclusive(name: string, tick: Date, fn: ScheduledTaskFn): Promise<TaskRunOutcome> {
    if (this.stopping.signal.aborted) return 'unavailable';
    // Checked before taking a connection: a process never overlaps itself, and a busy task costs no round trip.
    if (this.inFlight.has(name)) return this.skipped(name, tick, 'locked');
    const run = this.runLocked(name, tick, fn);
    this.inFlight.set(name, run);
    try {
      return await run;
    } finally {
      this.inFlight.delete(name);
    }
  }

  onApplicationBootstrap(): void {
    this.bootstrapped = true;
    for (const job of this.jobs) job.start();
  }

  onModuleDestroy(): void {
    // No new ticks once the application starts closing; runs in progress are awaited below.
    this.stopping.abort();
    for (const job of this.jobs) void job.stop();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight.values()]);
  }

  private async onTick(name: string, cronTime: CronTime, job: CronJob, fn: ScheduledTaskFn): Promise<void> {
    const tick = scheduledTick(cronTime, job.lastDate() ?? new Date());
    await this.runExclusive(name, tick, fn);
  }

  private async runLocked(name: string, tick: Date, fn: ScheduledTaskFn): Promise<TaskRunOutcome> {
    let runner: QueryRunner | undefined;
    let locked = false;
    try {
      // A dedicated connection: the advisory lock lives as long as this session holds it.
      runner = this.dataSource.createQueryRunner();
      await runner.connect();
      const [lock] = (await runner.query(`SELECT pg_try_advisory_lock(${LOCK_KEY_SQL}) AS locked`, [name])) as Array<{ locked: boolean }>;
      locked = lock?.locked === true;
      if (!locked) return this.skipped(name, tick, 'locked');
      // The lock alone cannot stop a replica that fires a few ms after a fast run has finished; the unique (task, tick) does.
      const inserted = (await runner.query(
        `INSERT INTO scheduled_task_runs (task, tick, instance_id) VALUES ($1, $2, $3)
         ON CONFLICT (task, tick) DO NOTHING RETURNING id`,
        [name, tick, this.instanceId],
      )) as Array<{ id: string }>;
      const runId = inserted[0]?.id;
      if (!runId) return this.skipped(name, tick, 'already_ran');
      const outcome = await this.invoke(name, tick, fn);
      await runner.query(`UPDATE scheduled_task_runs SET status = $2, finished_at = now(), error = $3 WHERE id = $1`, [
        runId,
        outcome.status,
        outcome.error,
      ]);
      return outcome.status;
    } catch (err) {
      this.logger.error({ task: name, tick: tick.toISOString(), err: toError(err) }, 'scheduled task bookkeeping failed');
      return 'unavailable';
    } finally {
      if (runner) {
        if (locked) await runner.query(`SELECT pg_advisory_unlock(${LOCK_KEY_SQL})`, [name]).catch(() => undefined);
        await runner.release().catch(() => undefined);
      }
    }
  }

  private async invoke(name: string, tick: Date, fn: ScheduledTaskFn): Promise<{ status: 'succeeded' | 'failed'; error: string | null }> {
    const started = Date.now();
    try {
      await fn({ tick, signal: this.stopping.signal });
      this.logger.debug({ task: name, tick: tick.toISOString(), durationMs: Date.now() - started }, 'scheduled task succeeded');
      return { status: 'succeeded', error: null };
    } catch (err) {
      const error = toError(err);
      this.logger.error({ task: name, tick: tick.toISOString(), durationMs: Date.now() - started, err: error }, 'scheduled task failed');
      return { status: 'failed', error: redactText(error.message).slice(0, MAX_ERROR_LENGTH) };
    }
  }

  private skipped(name: string, tick: Date, reason: 'locked' | 'already_ran'): TaskRunOutcome {
    this.logger.debug({ task: name, tick: tick.toISOString(), reason }, 'scheduled task skipped');
    return reason;
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
