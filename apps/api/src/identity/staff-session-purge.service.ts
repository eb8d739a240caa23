import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CronExpression } from '@nestjs/schedule';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { StaffPasswordService } from './staff-password.service';
import { StaffSessionEntity } from './staff-session.entity';

export const STAFF_SESSION_PURGE_TASK = 'identity.purge-staff-sessions';
export const ENDED_SESSION_KEEP_DAYS = 7;

/** Hourly removal of staff sessions, and set-password links, that expired or ended more than a week ago. */
@Injectable()
export class StaffSessionPurge implements OnModuleInit {
  private readonly logger = new Logger(StaffSessionPurge.name);

  constructor(
    @InjectRepository(StaffSessionEntity) private readonly sessions: Repository<StaffSessionEntity>,
    private readonly runner: ScheduledTaskRunner,
    private readonly passwordLinks: StaffPasswordService,
  ) {}

  onModuleInit(): void {
    this.runner.schedule(STAFF_SESSION_PURGE_TASK, CronExpression.EVERY_HOUR, ({ tick }) => Promise.all([this.purge(tick), this.passwordLinks.purge(tick)]).then(() => undefined));
  }

  /** Deletes sessions that ended (expired or revoked) more than 7 days before `now`; returns how many. */
  async purge(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - ENDED_SESSION_KEEP_DAYS * 86_400_000);
    const result = await this.sessions
      .createQueryBuilder()
      .delete()
      .where('expires_at < :cutoff OR revoked_at < :cutoff', { cutoff })
      .execute();
    const deleted = result.affected ?? 0;
    if (deleted > 0) this.logger.log({ deleted }, 'purged ended staff sessions');
    return deleted;
  }
}
