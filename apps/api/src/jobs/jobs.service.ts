import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { redactText } from '@soar2/privacy';
import PgBoss from 'pg-boss';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HealthRegistry } from '../health/health-registry';

export type Job<T extends object> = PgBoss.Job<T>;
/** Policy, retry, expiry, retention and dead-letter settings of a queue (pg-boss v10). */
export type QueueOptions = Omit<PgBoss.Queue, 'name'>;
/** Per-job options: singletonKey/singletonSeconds, retryLimit/retryDelay/retryBackoff, startAfter, priority, expiry. */
export type SendOptions = Omit<PgBoss.SendOptions, 'db'>;
export type WorkOptions = Pick<PgBoss.WorkOptions, 'batchSize' | 'pollingIntervalSeconds' | 'priority'>;
/** Handles a batch of jobs; throwing fails every job of the batch, which pg-boss retries per the queue's policy. */
export type JobHandler<T extends object> = (jobs: Array<Job<T>>) => Promise<void>;

export type JobState = 'created' | 'retry' | 'active' | 'completed' | 'cancelled' | 'failed';
const JOB_STATES: readonly JobState[] = ['created', 'retry', 'active', 'completed', 'cancelled', 'failed'];

export interface QueueSummary {
  name: string;
  policy: string;
  counts: Record<JobState, number>;
}

interface WorkerRegistration {
  queue: string;
  options: WorkOptions;
  handler: JobHandler<object>;
}

// Must stay above main.ts's 20 s forced exit so that a stuck handler cannot block shutdown for good.
const STOP_TIMEOUT_MS = 10_000;

/** Durable jobs on pg-boss in the application database; handlers consume only in processes with the worker role. */
@Injectable()
export class JobsService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobsService.name);
  private readonly boss: PgBoss;
  private readonly schema: string;
  private readonly workers: WorkerRegistration[] = [];
  private readonly knownQueues = new Set<string>();
  private starting: Promise<void> | undefined;
  private running = false;
  private bootstrapped = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly health: HealthRegistry,
  ) {
    this.schema = config.jobs.schema;
    this.boss = new PgBoss({
      connectionString: config.database.url,
      schema: this.schema,
      application_name: 'soar2-jobs',
      max: config.database.poolSize,
      // Clocks are ScheduledTaskRunner's job; pg-boss maintenance (expiry, archiving) runs where jobs are worked.
      schedule: false,
      supervise: config.roles.has('worker'),
    });
    this.boss.on('error', (err: unknown) => this.logger.error(safeError(err), 'pg-boss error'));
  }

  /** Creates the queue if it does not exist (v10 needs it before send); given options also update an existing one. */
  async ensureQueue(name: string, options?: QueueOptions): Promise<void> {
    await this.start();
    const existing = await this.boss.getQueue(name);
    if (!existing) await this.boss.createQueue(name, { ...options, name });
    // updateQueue resets an absent policy to standard, so carry the current one over.
    else if (options) await this.boss.updateQueue(name, { ...options, name, policy: options.policy ?? existing.policy });
    this.knownQueues.add(name);
  }

  /** Enqueues one job; resolves to its id, or null when a singleton/throttle option suppressed it. */
  async send<T extends object>(queue: string, data: T, options: SendOptions = {}): Promise<string | null> {
    // pg-boss v10 silently drops a job sent to a queue that does not exist.
    if (!this.knownQueues.has(queue)) await this.ensureQueue(queue);
    return this.boss.send(queue, data, options);
  }

  /** Registers a handler and creates its queue in every process; it consumes from bootstrap on, in worker processes only. */
  async work<T extends object>(queue: string, handler: JobHandler<T>, options: WorkOptions = {}): Promise<void> {
    const registration: WorkerRegistration = { queue, options, handler: handler as JobHandler<object> };
    this.workers.push(registration);
    if (this.bootstrapped) await this.startWorker(registration);
  }

  /** Job counts per queue and state, for the console dashboard (pg-boss internal queues left out). */
  async queueSummary(): Promise<QueueSummary[]> {
    await this.start();
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT q.name, q.policy, j.state, count(j.id)::int AS n
         FROM ${this.schema}.queue q LEFT JOIN ${this.schema}.job j ON j.name = q.name
        WHERE q.name NOT LIKE '\\_\\_pgboss\\_\\_%'
        GROUP BY q.name, q.policy, j.state
        ORDER BY q.name`,
      [],
    );
    const byName = new Map<string, QueueSummary>();
    for (const row of rows as Array<{ name: string; policy: string; state: JobState | null; n: number }>) {
      let summary = byName.get(row.name);
      if (!summary) {
        summary = { name: row.name, policy: row.policy, counts: Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number> };
        byName.set(row.name, summary);
      }
      if (row.state) summary.counts[row.state] = row.n;
    }
    return [...byName.values()];
  }

  onModuleInit(): void {
    this.health.register('jobs', async () => {
      if (!this.running) throw new Error('pg-boss is not running');
      await this.boss.getDb().executeSql(`SELECT version FROM ${this.schema}.version`, []);
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.start();
    this.bootstrapped = true;
    for (const registration of this.workers) await this.startWorker(registration);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Before TypeORM closes its pool in onApplicationShutdown, so handlers still running can finish their work.
    if (!this.starting) return;
    this.running = false;
    try {
      await this.starting;
      await this.boss.stop({ graceful: true, timeout: STOP_TIMEOUT_MS });
    } catch (err) {
      this.logger.error(safeError(err), 'pg-boss did not stop cleanly');
    }
  }

  /** Starts pg-boss once (installing or migrating its schema); features may need it before bootstrap. */
  private start(): Promise<void> {
    this.starting ??= this.boss.start().then(() => {
      this.running = true;
      this.logger.log({ schema: this.schema, worker: this.config.roles.has('worker') }, 'pg-boss started');
    });
    return this.starting;
  }

  private async startWorker({ queue, options, handler }: WorkerRegistration): Promise<void> {
    await this.ensureQueue(queue);
    if (!this.config.roles.has('worker')) {
      this.logger.debug({ queue }, 'job handler registered; this process has no worker role, so it consumes nothing');
      return;
    }
    await this.boss.work<object>(queue, options, async (jobs) => {
      try {
        await handler(jobs);
      } catch (err) {
        const { err: error } = safeError(err);
        this.logger.warn({ queue, jobIds: jobs.map((j) => j.id), err: error }, 'job handler failed; pg-boss retries it per the queue policy');
        // pg-boss stores the thrown error in the job row; keep personal data out of it.
        const stored = new Error(redactText(error.message));
        stored.name = error.name;
        throw stored;
      }
    });
    this.logger.debug({ queue, ...options }, 'job handler consuming');
  }
}

/** pg-boss emits worker errors as plain objects; keep only what helps and cannot carry personal data. */
function safeError(err: unknown): { err: Error; queue?: string } {
  if (err instanceof Error) return { err };
  if (err && typeof err === 'object') {
    const { message, queue } = err as { message?: unknown; queue?: unknown };
    return { err: new Error(String(message ?? 'unknown error')), ...(typeof queue === 'string' ? { queue } : {}) };
  }
  return { err: new Error(String(err)) };
}
