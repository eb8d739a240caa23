import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuditService } from '../audit/audit.service';
import { ConsentModule } from '../consent/consent.module';
import { PolicyModule } from '../policy/policy.module';
import { PrivacyPackagesModule } from '../privacy-packages/privacy-packages.module';
import { RetentionModule } from '../retention/retention.module';
import { RetentionSweeperRegistry } from '../retention/retention-sweepers.registry';
import { IdentityModule } from '../identity/identity.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { StorageModule } from '../storage/storage.module';
import { StorageService } from '../storage/storage.service';
import { SupportExtensions } from '../support/support-extensions';
import { SupportModule } from '../support/support.module';
import { ConsentLedgerAdapter } from './consent-ledger.adapter';
import { PrivacyFulfilmentService } from './privacy-fulfilment.service';
import { PrivacyNoticesService } from './privacy-notices.service';
import { identityAccessLogSource, identityProfileSource, identitySessionsSource, notificationEmailsSource, privacyRequestsSource } from './privacy-personal-data';
import { ERASURE_HANDOFF, PRIVACY_CONSENT_PORT } from './privacy-ports';
import { PrivacyRequestEntity, PrivacyRequestEventEntity } from './privacy-request.entity';
import { privacyRequestRecordsSweeper } from './privacy-request-retention';
import { PrivacyRequestsAdminController } from './privacy-requests-admin.controller';
import { PrivacyRequestsAdminService } from './privacy-requests-admin.service';
import { PrivacyRequestsController } from './privacy-requests.controller';
import { PrivacyRequestsService } from './privacy-requests.service';
import { PrivacySweepService } from './privacy-sweep.service';
import { PrivacyTicketConverterService } from './privacy-ticket-converter.service';
import { RetentionErasureHandoff } from './retention-erasure.handoff';
import { PrivacyWorkflow } from './privacy-workflow.service';
import { OptionalUserGuard } from './requester-access';
import { DataKeysService } from '../data-keys/data-keys.service';

/**
 * Privacy requests (GDPR/CCPA/COPPA): intake and verification, the officer's workflow, fulfilment
 * jobs, the sweep and the watchdog. The consent ledger, the access-package builder and the erasure
 * engine are reached through AccessPackageService, ConsentService and the ports bound here (docs/privacy-requests.md).
 */
@Module({
  imports: [TypeOrmModule.forFeature([PrivacyRequestEntity, PrivacyRequestEventEntity]), IdentityModule, NotificationsModule, AuditModule, StorageModule, ConsentModule, PrivacyPackagesModule, RetentionModule, SupportModule, PolicyModule],
  controllers: [PrivacyRequestsController, PrivacyRequestsAdminController],
  providers: [
    PrivacyWorkflow,
    PrivacyRequestsService,
    PrivacyRequestsAdminService,
    PrivacyFulfilmentService,
    PrivacyNoticesService,
    PrivacySweepService,
    OptionalUserGuard,
    PrivacyTicketConverterService,
    { provide: PRIVACY_CONSENT_PORT, useClass: ConsentLedgerAdapter },
    RetentionErasureHandoff,
    { provide: ERASURE_HANDOFF, useExisting: RetentionErasureHandoff },
  ],
  exports: [PrivacyRequestsService, PrivacyFulfilmentService],
})
export class PrivacyRequestsModule implements OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly dataSource: DataSource,
    private readonly storage: StorageService,
    private readonly support: SupportExtensions,
    private readonly ticketConverter: PrivacyTicketConverterService,
    private readonly sweepers: RetentionSweeperRegistry,
    private readonly audit: AuditService,
    private readonly dataKeys: DataKeysService,
  ) {}

  onModuleInit(): void {
    this.registry.register(privacyRequestsSource(this.dataSource, this.storage));
    this.registry.register(identityProfileSource(this.dataSource));
    this.registry.register(identitySessionsSource(this.dataSource));
    this.registry.register(identityAccessLogSource(this.dataSource, this.dataKeys));
    this.registry.register(notificationEmailsSource(this.dataSource));
    // Support: "convert to privacy request" on a privacy ticket creates the request here (linked both ways).
    this.support.registerPrivacyConverter(this.ticketConverter);
    // Closed requests past the privacy_request_records period lose their personal fields (counts kept).
    this.sweepers.register(privacyRequestRecordsSweeper({ storage: this.storage, audit: this.audit }));
  }
}
