import { Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { NotificationsModule } from '../notifications/notifications.module';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { NoticeCampaignsService } from './notice-campaigns.service';
import { NoticeCampaignsAdminController, PolicyVersionsAdminController, SubprocessorsAdminController } from './policy-admin.controller';
import { policyAcknowledgementsSource } from './policy-personal-data';
import { PolicyController } from './policy.controller';
import { PolicyService } from './policy.service';
import { SubprocessorsService } from './subprocessors.service';

/** Policy versions, notices and their acknowledgements, notice email campaigns and the sub-processor register. */
@Module({
  imports: [AuditModule, NotificationsModule],
  controllers: [PolicyController, PolicyVersionsAdminController, SubprocessorsAdminController, NoticeCampaignsAdminController],
  providers: [PolicyService, SubprocessorsService, NoticeCampaignsService],
  exports: [PolicyService, SubprocessorsService],
})
export class PolicyModule implements OnModuleInit {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.registry.register(policyAcknowledgementsSource(this.dataSource));
  }
}
