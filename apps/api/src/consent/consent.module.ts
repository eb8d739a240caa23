import { Inject, MiddlewareConsumer, Module, NestModule, OnModuleInit } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MarketingConsentGateRegistry } from '../notifications/marketing-consent.gate';
import { NotificationsModule } from '../notifications/notifications.module';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { PolicyModule } from '../policy/policy.module';
import { ConsentBackfillService } from './consent-backfill.service';
import { consentRecordsSource } from './consent-personal-data';
import { ConsentService } from './consent.service';
import { ConsentsAdminController } from './consents-admin.controller';
import { ConsentsAdminService } from './consents-admin.service';
import { GpcController } from './gpc.controller';
import { GpcInterceptor } from './gpc.interceptor';
import { GpcMiddleware } from './gpc.middleware';
import { LedgerConsentGate } from './ledger-consent.gate';
import { PreferencesController } from './preferences.controller';
import { PreferencesService } from './preferences.service';
import { UnsubscribeKeyService } from './unsubscribe-key.service';
import { UnsubscribeController } from './unsubscribe.controller';
import { UnsubscribeService } from './unsubscribe.service';

/**
 * The consent ledger, preferences, one-click unsubscribe and Global Privacy Control. Plugs the
 * ledger into the outbox's marketing gate and registers `consent.records` as personal data.
 * Other modules import it for ConsentService (`record`, `current`, `allows`, `withdrawAll`, `optOutOfSale`).
 */
@Module({
  imports: [AuditModule, NotificationsModule, PolicyModule],
  controllers: [PreferencesController, UnsubscribeController, GpcController, ConsentsAdminController],
  providers: [
    ConsentService,
    ConsentBackfillService,
    ConsentsAdminService,
    PreferencesService,
    UnsubscribeKeyService,
    UnsubscribeService,
    LedgerConsentGate,
    { provide: APP_INTERCEPTOR, useClass: GpcInterceptor },
  ],
  exports: [ConsentService, UnsubscribeService, ConsentBackfillService],
})
export class ConsentModule implements NestModule, OnModuleInit {
  constructor(
    private readonly gates: MarketingConsentGateRegistry,
    private readonly gate: LedgerConsentGate,
    private readonly registry: PersonalDataRegistry,
    private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(GpcMiddleware).forRoutes('*path');
  }

  onModuleInit(): void {
    this.gates.use(this.gate);
    this.registry.register(consentRecordsSource(this.dataSource, this.consent, this.config));
  }
}
