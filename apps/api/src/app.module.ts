import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { ListPageInterceptor } from './admin-query/list-page';
import { AuditModule } from './audit/audit.module';
import { ConsentModule } from './consent/consent.module';
import { BillingModule } from './billing/billing.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CreditsModule } from './credits/credits.module';
import { GenerationModule } from './generation/generation.module';
import { DatabaseModule } from './database/database.module';
import { AllExceptionsFilter } from './errors/all-exceptions.filter';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { EmailLookupModule } from './identity/email-lookup.module';
import { JobsModule } from './jobs/jobs.module';
import { DataKeysModule } from './data-keys/data-keys.module';
import { LegalHoldsModule } from './legal-holds/legal-holds.module';
import { RetentionModule } from './retention/retention.module';
import { LoggingModule } from './logging/logging.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PersonalDataModule } from './personal-data/personal-data.module';
import { PolicyModule } from './policy/policy.module';
import { PrivacyRequestsModule } from './privacy-requests/privacy-requests.module';
import { PrivacyPackagesModule } from './privacy-packages/privacy-packages.module';
import { SeedModule } from './seed/seed.module';
import { StorageModule } from './storage/storage.module';
import { SupportModule } from './support/support.module';

export interface AppModuleOptions {
  /** Where logs go; stdout when absent (tests pass a stream to inspect them). */
  logDestination?: DestinationStream;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config, options.logDestination),
        DatabaseModule,
        PersonalDataModule,
        DataKeysModule,
        EmailLookupModule,
        LegalHoldsModule,
        RetentionModule,
        HealthModule,
        JobsModule,
        AuditModule,
        IdentityModule,
        NotificationsModule,
        SeedModule,
        StorageModule,
        ConsentModule,
        PolicyModule,
        CreditsModule,
        GenerationModule,
        BillingModule,
        SupportModule,
        PrivacyRequestsModule,
        PrivacyPackagesModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: ListPageInterceptor },
      ],
    };
  }
}
