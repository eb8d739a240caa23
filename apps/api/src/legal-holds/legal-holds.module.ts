import { Global, Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LegalHoldsController } from './legal-holds.controller';
import { LegalHoldsService } from './legal-holds.service';

/** Global: every module that deletes asks LegalHoldsService first. */
@Global()
@Module({
  imports: [AuditModule],
  controllers: [LegalHoldsController],
  providers: [LegalHoldsService],
  exports: [LegalHoldsService],
})
export class LegalHoldsModule {}
