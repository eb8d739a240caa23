import { Module, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuditService } from '../audit/audit.service';
import { CreditsModule } from '../credits/credits.module';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { RetentionModule } from '../retention/retention.module';
import { RetentionSweeperRegistry } from '../retention/retention-sweepers.registry';
import { BillingDemoSeed } from './billing-demo.seed';
import { BillingAdminService } from './billing-admin.service';
import { CreditsAdminController, PlansAdminController, StripeEventsAdminController, SubscriptionsAdminController } from './billing-admin.controller';
import { billingPersonalDataSource } from './billing-personal-data';
import { ledgerAnonymisationSweeper } from './ledger-retention';
import { BillingController, StripeWebhookController } from './billing.controller';
import { BillingService } from './billing.service';
import { PlansService } from './plans.service';
import { StripeClient } from './stripe-client';
import { StripeEventsService } from './stripe-events.service';

/**
 * Plans, Stripe Checkout/Portal/webhooks and the console's billing screens. BillingService.deleteCustomer
 * is what erasure calls (through the `billing.stripe` personal-data source).
 */
@Module({
  imports: [AuditModule, CreditsModule, RetentionModule],
  controllers: [BillingController, StripeWebhookController, PlansAdminController, SubscriptionsAdminController, CreditsAdminController, StripeEventsAdminController],
  providers: [StripeClient, PlansService, BillingService, StripeEventsService, BillingAdminService, BillingDemoSeed],
  exports: [BillingService, PlansService, BillingDemoSeed],
})
export class BillingModule implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly personalData: PersonalDataRegistry,
    private readonly billing: BillingService,
    private readonly sweepers: RetentionSweeperRegistry,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.personalData.register(billingPersonalDataSource(this.dataSource, this.billing));
    // The credit ledger (credits module's table) and Stripe references, 7 years on: anonymised here.
    this.sweepers.register(ledgerAnonymisationSweeper({ audit: this.audit }));
  }
}
