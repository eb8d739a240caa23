import { Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { AllowanceExpiryService } from './allowance-expiry.service';
import { creditsPersonalDataSource } from './credits-personal-data';
import { CreditsController } from './credits.controller';
import { CreditsService } from './credits.service';
import { HoldReferenceRegistry } from './hold-reference.registry';
import { HoldSweeperService } from './hold-sweeper.service';

/**
 * The credit ledger. Other modules use CreditsService (hold/capture/release/refund/adjust/grant/summary)
 * and register a HoldReferenceResolver for the reference type of their holds, so that the sweeper can
 * release holds of finished work.
 */
@Module({
  imports: [AuditModule],
  controllers: [CreditsController],
  providers: [CreditsService, HoldReferenceRegistry, HoldSweeperService, AllowanceExpiryService],
  exports: [CreditsService, HoldReferenceRegistry, HoldSweeperService, AllowanceExpiryService],
})
export class CreditsModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly personalData: PersonalDataRegistry,
    private readonly scheduler: ScheduledTaskRunner,
    private readonly sweeper: HoldSweeperService,
    private readonly expiry: AllowanceExpiryService,
  ) {}

  onModuleInit(): void {
    this.personalData.register(creditsPersonalDataSource(this.dataSource));
    this.scheduler.schedule('credits.sweep-holds', '* * * * *', async () => {
      await this.sweeper.sweep();
    });
    this.scheduler.schedule('credits.expire-allowances', '7 * * * *', async () => {
      await this.expiry.expireDue();
    });
  }
}
