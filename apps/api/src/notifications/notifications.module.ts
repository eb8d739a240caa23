import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { HealthRegistry } from '../health/health-registry';
import { MailerService } from './mailer.service';
import { MARKETING_CONSENT_GATE, MarketingConsentGateRegistry, NoConsentOnRecordGate } from './marketing-consent.gate';
import { NotificationEntity } from './notification.entity';
import { NotificationsAdminController } from './notifications-admin.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { OutboxDeliveryWorker } from './outbox-delivery.worker';

/**
 * The email outbox. Other modules use NotificationsService.enqueue(); the module owning marketing
 * consent plugs its gate into MarketingConsentGateRegistry.
 */
@Module({
  imports: [TypeOrmModule.forFeature([NotificationEntity]), AuditModule],
  controllers: [NotificationsAdminController],
  providers: [
    NotificationsRepository,
    NotificationsService,
    MailerService,
    OutboxDeliveryWorker,
    { provide: MARKETING_CONSENT_GATE, useClass: NoConsentOnRecordGate },
    MarketingConsentGateRegistry,
  ],
  exports: [NotificationsService, MarketingConsentGateRegistry],
})
export class NotificationsModule implements OnModuleInit {
  constructor(
    private readonly health: HealthRegistry,
    private readonly mailer: MailerService,
  ) {}

  onModuleInit(): void {
    this.health.register('mail', () => this.mailer.check());
  }
}
