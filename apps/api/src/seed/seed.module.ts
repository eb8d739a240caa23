import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { IdentityModule } from '../identity/identity.module';
import { SeedService } from './seed.service';

@Module({ imports: [IdentityModule, BillingModule], providers: [SeedService], exports: [SeedService] })
export class SeedModule {}
