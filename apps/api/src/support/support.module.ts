import { Module, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuditService } from '../audit/audit.service';
import { CreditsModule } from '../credits/credits.module';
import { CreditsService } from '../credits/credits.service';
import { IdentityModule } from '../identity/identity.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { RetentionSweeperRegistry } from '../retention/retention-sweepers.registry';
import { StorageModule } from '../storage/storage.module';
import { StorageService } from '../storage/storage.service';
import { GuestTicketsService } from './guest-tickets.service';
import { MacrosAdminController } from './macros-admin.controller';
import { MacrosService } from './macros.service';
import { SupportCipher } from './support-cipher';
import { SupportClock } from './support-clock.service';
import { SupportExtensions } from './support-extensions';
import { supportPersonalDataSource } from './support-personal-data';
import { SupportReportsService } from './support-reports.service';
import { ticketsRetentionSweeper } from './support-retention';
import { SupportSealBackfill } from './support-seal-backfill.service';
import { SupportSchedule } from './support-schedule.service';
import { TicketsAdminController } from './tickets-admin.controller';
import { TicketsAdminService } from './tickets-admin.service';
import { TicketsController } from './tickets.controller';
import { TicketsService } from './tickets.service';

/**
 * Support desk: tickets from the public API and by verified email, the console inbox with SLA
 * clocks, replies, notes, assignment, macros and reports. Generation, billing and privacy plug in
 * through SupportExtensions (exported) from their own modules.
 */
@Module({
  imports: [IdentityModule, NotificationsModule, AuditModule, StorageModule, CreditsModule],
  controllers: [TicketsController, TicketsAdminController, MacrosAdminController],
  providers: [SupportClock, SupportExtensions, SupportCipher, TicketsService, TicketsAdminService, GuestTicketsService, SupportReportsService, MacrosService, SupportSchedule, SupportSealBackfill],
  exports: [SupportExtensions, TicketsService],
})
export class SupportModule implements OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly dataSource: DataSource,
    private readonly storage: StorageService,
    private readonly extensions: SupportExtensions,
    private readonly credits: CreditsService,
    private readonly cipher: SupportCipher,
    private readonly moduleRef: ModuleRef,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.registry.register(supportPersonalDataSource(this.dataSource, this.storage, this.cipher));
    // Retention category `tickets` (the retention module imports this one, so the registry is looked up, not imported).
    this.moduleRef.get(RetentionSweeperRegistry, { strict: false }).register(ticketsRetentionSweeper({ storage: this.storage, keys: this.cipher.keys, audit: this.audit }));
    // The ticket's credits panel and "adjust credits" go through the ledger (its limits for support agents apply).
    this.extensions.registerCreditsGateway({
      summary: (userId) => this.credits.summary(userId),
      adjust: (adjustment) => this.credits.adjust(adjustment),
    });
  }
}
