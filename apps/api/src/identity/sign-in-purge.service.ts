import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { VerificationCodesService } from './verification-codes.service';

export const SIGN_IN_PURGE_TASK = 'identity.purge-sign-in-records';
/** Codes are kept a day past their expiry (support can still see that one was asked for), then deleted. */
export const EXPIRED_CODE_KEEP_HOURS = 24;
/** Rate-limit hits outlive every window (one hour) before they go. */
export const RATE_LIMIT_HIT_KEEP_HOURS = 24;

/** Hourly removal of old sign-in codes and rate-limit hits (retention: login codes, hours to days). */
@Injectable()
export class SignInPurge implements OnModuleInit {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly dataSource: DataSource,
    private readonly codes: VerificationCodesService,
    private readonly runner: ScheduledTaskRunner,
  ) {}

  onModuleInit(): void {
    this.runner.schedule(SIGN_IN_PURGE_TASK, CronExpression.EVERY_HOUR, () => this.purge().then(() => undefined));
  }

  async purge(): Promise<{ codes: number; rateLimitHits: number }> {
    const codes = await this.codes.purge(this.dataSource.manager, EXPIRED_CODE_KEEP_HOURS);
    const [row] = (await this.dataSource.query(
      `WITH gone AS (DELETE FROM rate_limit_hits WHERE hit_at < now() - make_interval(hours => $1) RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [RATE_LIMIT_HIT_KEEP_HOURS],
    )) as Array<{ n: number }>;
    const rateLimitHits = row?.n ?? 0;
    if (codes + rateLimitHits > 0) this.logger.log({ codes, rateLimitHits }, 'purged old sign-in codes and rate-limit hits');
    return { codes, rateLimitHits };
  }
}
