import { Inject, Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { ConsentModule } from '../consent/consent.module';
import { RetentionModule } from '../retention/retention.module';
import { RetentionSweeperRegistry } from '../retention/retention-sweepers.registry';
import { planVideosSweeper, sendExpiryNotices, userDeletedVideosSweeper } from './generation-retention';
import { NotificationsModule } from '../notifications/notifications.module';
import { NotificationsService } from '../notifications/notifications.service';
import { UsersService } from '../identity/users.service';
import { ConsentService } from '../consent/consent.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { CreditsModule } from '../credits/credits.module';
import { HoldReferenceRegistry, HoldReferenceState } from '../credits/hold-reference.registry';
import { IdentityModule } from '../identity/identity.module';
import { StorageModule } from '../storage/storage.module';
import { JobsService } from '../jobs/jobs.service';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { StorageService } from '../storage/storage.service';
import { SupportExtensions } from '../support/support-extensions';
import { SupportModule } from '../support/support.module';
import { GenerationAdminController } from './generation-admin.controller';
import { GenerationAdminService } from './generation-admin.service';
import { GenerationJobEntity, GenerationPreferencesEntity } from './generation-job.entity';
import { GenerationJobsRepository } from './generation-jobs.repository';
import { generationPersonalDataSource } from './generation-personal-data';
import { generationJobResolver } from './generation-support';
import { GenerationPreferencesService } from './generation-preferences.service';
import { GENERATION_QUEUE, GenerationSettings } from './generation-settings';
import { GenerationWebhooksController } from './generation-webhooks.controller';
import { GenerationWebhooksService } from './generation-webhooks.service';
import { GenerationWorker } from './generation-worker.service';
import { GenerationController } from './generation.controller';
import { GenerationService } from './generation.service';
import { VideoProviderHost } from './video-provider.host';

const SWEEP_BATCH = 200;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Video generation: the public /v1/videos API, provider webhooks, the durable workers (pg-boss queue
 * `generation.step` + a sweep that resumes jobs whose worker died) and the console's support
 * operations. Other modules may use GenerationService (e.g. retention purges, privacy erasure via
 * the registry) and GenerationPreferencesService.useGate (the consent ledger). The support desk
 * reaches jobs through the resolver registered with SupportExtensions (generation-support.ts).
 */
@Module({
  imports: [TypeOrmModule.forFeature([GenerationJobEntity, GenerationPreferencesEntity]), AuditModule, CreditsModule, IdentityModule, StorageModule, ConsentModule, SupportModule, RetentionModule, NotificationsModule],
  controllers: [GenerationController, GenerationWebhooksController, GenerationAdminController],
  providers: [
    GenerationSettings,
    VideoProviderHost,
    GenerationJobsRepository,
    GenerationPreferencesService,
    GenerationService,
    GenerationWorker,
    GenerationWebhooksService,
    GenerationAdminService,
  ],
  exports: [GenerationService, GenerationPreferencesService, VideoProviderHost],
})
export class GenerationModule implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly scheduler: ScheduledTaskRunner,
    private readonly personalData: PersonalDataRegistry,
    private readonly holdReferences: HoldReferenceRegistry,
    private readonly repo: GenerationJobsRepository,
    private readonly worker: GenerationWorker,
    private readonly generation: GenerationService,
    private readonly preferences: GenerationPreferencesService,
    private readonly storage: StorageService,
    private readonly consent: ConsentService,
    private readonly admin: GenerationAdminService,
    private readonly support: SupportExtensions,
    private readonly sweepers: RetentionSweeperRegistry,
    private readonly notifications: NotificationsService,
    private readonly users: UsersService,
  ) {}

  /** Plan-based expiry's advance notice (docs/retention.md); also called by tests. */
  sendExpiryNotices(now = new Date()): Promise<number> {
    return sendExpiryNotices(
      {
        dataSource: this.dataSource,
        notifications: this.notifications,
        users: this.users,
        noticeDays: this.config.generation.expiryNoticeDays,
        keepDays: async () => {
          const rows: Array<{ keep_days: number; enabled: boolean }> = await this.dataSource.query(`SELECT keep_days, enabled FROM retention_policies WHERE category = 'videos'`);
          return rows[0]?.enabled ? rows[0].keep_days : null;
        },
      },
      now,
    );
  }

  async onModuleInit(): Promise<void> {
    for (let i = 0; i < this.config.generation.workerConcurrency; i++) {
      await this.jobs.work<{ jobId: string }>(GENERATION_QUEUE, async (batch) => {
        for (const job of batch) await this.worker.run(job.data.jobId);
      }, { pollingIntervalSeconds: 0.5 });
    }
    this.scheduler.schedule('generation.resume', this.config.generation.sweepCron, async () => {
      for (const id of await this.repo.dueJobIds(SWEEP_BATCH)) await this.generation.enqueue(id);
    });
    // Usage habits and preferences (privacy policy) are counted until the user withdraws analytics consent.
    this.preferences.useGate({
      allowed: async (userId, manager) => {
        const analytics = (await this.consent.current(userId, manager)).purposes.analytics;
        return !(analytics?.recorded && !analytics.granted);
      },
    });
    this.sweepers.register(userDeletedVideosSweeper({ repo: this.repo, worker: this.worker, generation: this.generation }));
    this.sweepers.register(planVideosSweeper({ repo: this.repo, worker: this.worker, generation: this.generation, noticeDays: this.config.generation.expiryNoticeDays }));
    this.scheduler.schedule('generation.expiry-notices', this.config.generation.expiryNoticeCron, async () => {
      await this.sendExpiryNotices();
    });
    this.holdReferences.register('job', {
      states: async (ids) => {
        const found = await this.repo.statuses(ids);
        return new Map(ids.map((id): [string, HoldReferenceState] => {
          // Job ids are UUIDs; another reference is not ours to judge, so it waits for the max-age sweep.
          if (!UUID_RE.test(id)) return [id, 'active'];
          const status = found.get(id);
          return [id, status === undefined ? 'unknown' : status === 'queued' || status === 'in_progress' ? 'active' : 'finished'];
        }));
      },
    });
    this.personalData.register(
      generationPersonalDataSource({
        repo: this.repo,
        storage: this.storage,
        generation: this.generation,
        worker: this.worker,
        preferences: this.preferences,
        query: (sql, params) => this.dataSource.query(sql, params),
      }),
    );
    // Support tickets link the user's own jobs, show their recent jobs and refund a linked one (the console's refund).
    this.support.registerJobResolver(generationJobResolver(this.repo, this.admin));
  }
}
