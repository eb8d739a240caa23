import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { JobsHousekeeping } from './jobs-housekeeping.service';
import { JobsService } from './jobs.service';
import { ScheduledTaskRunner } from './scheduled-task-runner.service';

/** Durable jobs (pg-boss) and exclusive cron tasks, shared by every feature module. */
@Global()
@Module({
  imports: [ScheduleModule.forRoot()],
  providers: [JobsService, ScheduledTaskRunner, JobsHousekeeping],
  exports: [JobsService, ScheduledTaskRunner],
})
export class JobsModule {}
