import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ScheduledTaskRunner } from './scheduled-task-runner.service';

export const TASK_RUNS_PURGE_TASK = 'jobs.purge-task-runs';
export const TASK_RUNS_RETENTION_DAYS = 30;

/** Keeps scheduled_task_runs small: the history is for diagnosis, not an audit trail. */
@Injectable()
export class JobsHousekeeping implements OnModuleInit {
  private readonly logger = new Logger(JobsHousekeeping.name);

  constructor(
    private readonly runner: ScheduledTaskRunner,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.runner.schedule(TASK_RUNS_PURGE_TASK, CronExpression.EVERY_HOUR, ({ tick }) => this.purgeTaskRuns(tick).then(() => undefined));
  }

  /** Deletes task runs that started more than 30 days before `now`; returns how many. */
  async purgeTaskRuns(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - TASK_RUNS_RETENTION_DAYS * 86_400_000);
    const [, deleted] = (await this.dataSource.query(`DELETE FROM scheduled_task_runs WHERE started_at < $1`, [cutoff])) as [unknown, number];
    if (deleted > 0) this.logger.log({ deleted, cutoff: cutoff.toISOString() }, 'purged old scheduled task runs');
    return deleted;
  }
}
