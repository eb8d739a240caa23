import { SchedulerRegistry } from '@nestjs/schedule';
import { Client } from 'pg';
import request from 'supertest';
import { StaffSessionPurge, STAFF_SESSION_PURGE_TASK } from '../src/identity/staff-session-purge.service';
import { JobsHousekeeping, TASK_RUNS_PURGE_TASK } from '../src/jobs/jobs-housekeeping.service';
import { JobsService } from '../src/jobs/jobs.service';
import { ScheduledTaskRunner } from '../src/jobs/scheduled-task-runner.service';
import { TestApp, startTestApp } from './support/test-app';
import { TestDatabase, createTestDatabase } from './support/test-database';

// Booting two applications and waiting for several cron ticks takes seconds, more on a busy machine.
jest.setTimeout(90_000);

/** Polls until `done` holds; fails with `what` after a generous deadline (a hang guard, not a performance assertion). */
async function waitFor(what: string, done: () => boolean | Promise<boolean>, deadlineMs = 60_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error(`Gave up waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface TaskRunRow {
  task: string;
  tick: Date;
  instance_id: string;
  status: string;
  error: string | null;
}

describe('jobs: two instances on one database', () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestApp({ db });
    b = await startTestApp({ db });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  const runnerOf = (t: TestApp): ScheduledTaskRunner => t.app.get(ScheduledTaskRunner);
  const allLogs = (): Array<Record<string, unknown>> => [...a.logs, ...b.logs];

  it('runs a task scheduled every second on both instances exactly once per tick', async () => {
    const executions: Array<{ instance: string; tick: string }> = [];
    for (const [instance, t] of [['a', a], ['b', b]] as const) {
      runnerOf(t).schedule('test.every-second', '* * * * * *', ({ tick }) => {
        executions.push({ instance, tick: tick.toISOString() });
      });
    }
    await waitFor('five ticks of test.every-second', () => executions.length >= 5);
    const seen = [...executions];

    const ticks = seen.map((e) => e.tick);
    expect(new Set(ticks).size).toBe(ticks.length);
    // The tick is the schedule's fire time, not the moment each instance happened to call back.
    for (const tick of ticks) expect(tick).toMatch(/:\d\d\.000Z$/);
    const { rows } = await sql.query<TaskRunRow>(`SELECT task, tick, instance_id, status FROM scheduled_task_runs WHERE task = 'test.every-second' AND tick = ANY($1)`, [ticks]);
    expect(rows.map((r) => r.tick.toISOString()).sort()).toEqual([...ticks].sort());
    expect(new Set(rows.map((r) => r.instance_id))).toEqual(new Set(seen.map((e) => runnerOf(e.instance === 'a' ? a : b).instanceId)));
    // Both instances really fired: the one that lost each race logged the skip.
    const skips = allLogs().filter((l) => l.msg === 'scheduled task skipped' && l.task === 'test.every-second');
    expect(skips.length).toBeGreaterThan(0);
  });

  it('hands each of 40 jobs sent to a queue that both instances work to exactly one handler, once', async () => {
    const queue = 'test-exactly-once';
    const handled: Array<{ instance: string; id: string; n: number }> = [];
    for (const [instance, t] of [['a', a], ['b', b]] as const) {
      await t.app.get(JobsService).work<{ n: number }>(
        queue,
        async (jobs) => {
          for (const job of jobs) handled.push({ instance, id: job.id, n: job.data.n });
        },
        { batchSize: 5, pollingIntervalSeconds: 0.5 },
      );
    }
    const sent: string[] = [];
    for (let n = 0; n < 40; n += 1) {
      const id = await (n % 2 === 0 ? a : b).app.get(JobsService).send(queue, { n });
      if (id) sent.push(id);
    }
    expect(sent).toHaveLength(40);

    await waitFor('40 completed jobs', async () => {
      const summary = await a.app.get(JobsService).queueSummary();
      return summary.find((q) => q.name === queue)?.counts.completed === 40;
    });

    expect(handled).toHaveLength(40);
    expect(new Set(handled.map((h) => h.id))).toEqual(new Set(sent));
    expect(handled.map((h) => h.n).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // No job was handed out a second time after a failure or an expiry.
    const { rows } = await sql.query<{ retries: number }>(`SELECT coalesce(sum(retry_count), 0)::int AS retries FROM pgboss.job WHERE name = $1`, [queue]);
    expect(rows[0]?.retries).toBe(0);
  });

  it('does not start a second run of a task that is still running on another instance', async () => {
    const first = new Date('2026-01-01T00:00:00.000Z');
    const second = new Date('2026-01-01T00:01:00.000Z');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const calls: string[] = [];

    const long = runnerOf(a).runExclusive('test.long', first, async () => {
      calls.push('a:first');
      markStarted();
      await gate;
    });
    await started;
    expect(await runnerOf(b).runExclusive('test.long', second, () => void calls.push('b:second'))).toBe('locked');
    expect(await runnerOf(a).runExclusive('test.long', second, () => void calls.push('a:second'))).toBe('locked');
    release();
    expect(await long).toBe('succeeded');

    expect(await runnerOf(b).runExclusive('test.long', first, () => void calls.push('b:first'))).toBe('already_ran');
    expect(await runnerOf(b).runExclusive('test.long', second, () => void calls.push('b:second'))).toBe('succeeded');
    expect(calls).toEqual(['a:first', 'b:second']);
  });

  it('records a failing task as failed with a redacted error, logs it without personal data and keeps serving', async () => {
    const tick = new Date('2026-01-02T00:00:00.000Z');
    const outcome = await runnerOf(a).runExclusive('test.fails', tick, () => {
      throw new Error('could not notify ops.person@example.com');
    });
    expect(outcome).toBe('failed');
    const { rows } = await sql.query<TaskRunRow>(`SELECT status, error FROM scheduled_task_runs WHERE task = 'test.fails'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.status).toBe('failed');
    expect(rows[0]?.error).toMatch(/^could not notify /);
    expect(rows[0]?.error).not.toContain('ops.person@example.com');
    const failure = allLogs().find((l) => l.msg === 'scheduled task failed' && l.task === 'test.fails');
    expect(failure).toBeDefined();
    expect(JSON.stringify(allLogs())).not.toContain('ops.person@example.com');
    await request(a.server).get('/health').expect(200);
  });

  it('reports pg-boss in readiness and per-queue counts in the queue summary', async () => {
    const ready = await request(a.server).get('/health/ready').expect(200);
    expect(ready.body.checks.jobs.status).toBe('up');
    const jobs = a.app.get(JobsService);
    await jobs.ensureQueue('test-summary', { retryLimit: 1 });
    await jobs.send('test-summary', { n: 1 });
    // A throttled singleton: a second send with the same key within the hour is dropped.
    expect(await jobs.send('test-summary', { n: 2 }, { singletonKey: 'only-one', singletonHours: 1 })).not.toBeNull();
    expect(await jobs.send('test-summary', { n: 3 }, { singletonKey: 'only-one', singletonHours: 1 })).toBeNull();
    const summary = await jobs.queueSummary();
    expect(summary.find((q) => q.name === 'test-summary')).toEqual({
      name: 'test-summary',
      policy: 'standard',
      counts: { created: 2, retry: 0, active: 0, completed: 0, cancelled: 0, failed: 0 },
    });
    expect(summary.some((q) => q.name.startsWith('__pgboss__'))).toBe(false);
  });

  it('creates a queue on first send instead of dropping the job, as bare pg-boss v10 would', async () => {
    const id = await b.app.get(JobsService).send('test-never-ensured', { n: 1 });
    expect(id).not.toBeNull();
    const summary = await b.app.get(JobsService).queueSummary();
    expect(summary.find((q) => q.name === 'test-never-ensured')?.counts.created).toBe(1);
  });

  it('retries a job whose handler failed, per the queue retry options, and logs the failure', async () => {
    const queue = 'test-retry';
    const jobs = a.app.get(JobsService);
    await jobs.ensureQueue(queue, { retryLimit: 2, retryDelay: 0 });
    const attempts: string[] = [];
    await jobs.work<{ to: string }>(
      queue,
      async (batch) => {
        for (const job of batch) {
          attempts.push(job.id);
          if (attempts.length === 1) throw new Error(`mailbox of ${job.data.to} is full`);
        }
      },
      { pollingIntervalSeconds: 0.5 },
    );
    const id = await jobs.send(queue, { to: 'retry.person@example.com' });
    await waitFor('the retried job to complete', async () => (await jobs.queueSummary()).find((q) => q.name === queue)?.counts.completed === 1);
    expect(attempts).toEqual([id, id]);
    const failure = allLogs().find((l) => l.msg === 'job handler failed; pg-boss retries it per the queue policy' && l.queue === queue);
    expect(failure).toBeDefined();
    expect(JSON.stringify(allLogs())).not.toContain('retry.person@example.com');
  });

  it('stores a failed job error without the personal data the handler put in its message', async () => {
    const queue = 'test-fails-for-good';
    const jobs = b.app.get(JobsService);
    await jobs.ensureQueue(queue, { retryLimit: 0 });
    await jobs.work<{ to: string }>(
      queue,
      async ([job]) => {
        throw new Error(`mailbox of ${job?.data.to} is full`);
      },
      { pollingIntervalSeconds: 0.5 },
    );
    const id = await jobs.send(queue, { to: 'gone.person@example.com' });
    await waitFor('the job to fail', async () => (await jobs.queueSummary()).find((q) => q.name === queue)?.counts.failed === 1);
    const { rows } = await sql.query<{ output: unknown }>(`SELECT output FROM pgboss.job WHERE id = $1`, [id]);
    expect(JSON.stringify(rows[0]?.output)).toMatch(/mailbox of .* is full/);
    expect(JSON.stringify(rows[0]?.output)).not.toContain('gone.person@example.com');
  });

  it('registers the hourly platform tasks', () => {
    for (const t of [a, b]) {
      const registry = t.app.get(SchedulerRegistry);
      expect(registry.doesExist('cron', STAFF_SESSION_PURGE_TASK)).toBe(true);
      expect(registry.doesExist('cron', TASK_RUNS_PURGE_TASK)).toBe(true);
    }
  });

  it('purges staff sessions that ended more than 7 days ago and task runs older than 30 days', async () => {
    const now = new Date();
    const daysAgo = (d: number): Date => new Date(now.getTime() - d * 86_400_000);
    const { rows: staff } = await sql.query<{ id: string }>(
      `INSERT INTO staff (email, display_name, role, password_hash) VALUES ('purge@soar2.test', 'Purge', 'auditor', 'x') RETURNING id`,
    );
    const session = async (expiresAt: Date, revokedAt: Date | null): Promise<string> => {
      const { rows } = await sql.query<{ id: string }>(
        `INSERT INTO staff_sessions (staff_id, token_hash, expires_at, revoked_at) VALUES ($1, decode(md5(random()::text), 'hex'), $2, $3) RETURNING id`,
        [staff[0]?.id, expiresAt, revokedAt],
      );
      return rows[0]!.id;
    };
    await session(daysAgo(8), null);
    await session(daysAgo(-1), daysAgo(8));
    const expiredRecently = await session(daysAgo(6), null);
    const revokedRecently = await session(daysAgo(-1), daysAgo(6));
    const active = await session(daysAgo(-1), null);

    expect(await a.app.get(StaffSessionPurge).purge(now)).toBe(2);
    const { rows: left } = await sql.query<{ id: string }>(`SELECT id FROM staff_sessions WHERE staff_id = $1`, [staff[0]?.id]);
    expect(new Set(left.map((r) => r.id))).toEqual(new Set([expiredRecently, revokedRecently, active]));

    await sql.query(
      `INSERT INTO scheduled_task_runs (task, tick, instance_id, status, started_at)
       VALUES ('test.old', $1, 'test', 'succeeded', $1), ('test.recent', $2, 'test', 'succeeded', $2)`,
      [daysAgo(31), daysAgo(29)],
    );
    expect(await a.app.get(JobsHousekeeping).purgeTaskRuns(now)).toBe(1);
    const { rows: runs } = await sql.query<TaskRunRow>(`SELECT task FROM scheduled_task_runs WHERE task IN ('test.old', 'test.recent')`);
    expect(runs.map((r) => r.task)).toEqual(['test.recent']);
  });
});

describe('jobs: process roles', () => {
  let db: TestDatabase;
  let apiOnly: TestApp;
  let full: TestApp;
  let sql: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    apiOnly = await startTestApp({ db, env: { PROCESS_ROLES: 'api' } });
    full = await startTestApp({ db, env: { PROCESS_ROLES: 'api,worker,scheduler' } });
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  afterAll(async () => {
    await sql?.end();
    await apiOnly?.close();
    await full?.close();
    await db?.drop();
  });

  it('an api-only process sends jobs but neither consumes them nor runs scheduled tasks', async () => {
    const queue = 'test-roles';
    const handled: Record<'apiOnly' | 'full', string[]> = { apiOnly: [], full: [] };
    const ticks: Record<'apiOnly' | 'full', string[]> = { apiOnly: [], full: [] };
    const register = async (name: 'apiOnly' | 'full', t: TestApp): Promise<void> => {
      await t.app.get(JobsService).work(queue, async (jobs) => void handled[name].push(...jobs.map((j) => j.id)), { batchSize: 5, pollingIntervalSeconds: 0.5 });
      t.app.get(ScheduledTaskRunner).schedule('test.roles', '* * * * * *', ({ tick }) => void ticks[name].push(tick.toISOString()));
    };
    // Registering creates the queue even where nothing consumes, so the api-only process can send at once.
    await register('apiOnly', apiOnly);
    for (let n = 0; n < 10; n += 1) await apiOnly.app.get(JobsService).send(queue, { n });
    await register('full', full);

    await waitFor('the full process to handle 10 jobs and run 2 ticks', () => handled.full.length >= 10 && ticks.full.length >= 2);
    expect(handled.apiOnly).toEqual([]);
    expect(ticks.apiOnly).toEqual([]);
    expect(new Set(handled.full).size).toBe(10);
    const { rows } = await sql.query<TaskRunRow>(`SELECT DISTINCT instance_id FROM scheduled_task_runs WHERE task = 'test.roles'`);
    expect(rows.map((r) => r.instance_id)).toEqual([full.app.get(ScheduledTaskRunner).instanceId]);
    expect(apiOnly.app.get(SchedulerRegistry).doesExist('cron', 'test.roles')).toBe(false);
    expect(apiOnly.app.get(SchedulerRegistry).doesExist('cron', STAFF_SESSION_PURGE_TASK)).toBe(false);
  });
});
