import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { StorageModule } from '../storage/storage.module';
import { CertificateSigner } from './certificate-signer.service';
import { ErasureService } from './erasure.service';
import { DeletionCertificatesController, ErasuresController, RetentionPoliciesController, RetentionRunsController } from './retention.controller';
import { RetentionService } from './retention.service';
import { RetentionSweeperRegistry } from './retention-sweepers.registry';

/** Retention sweeps, account erasure and deletion certificates (docs/retention.md). */
@Module({
  imports: [AuditModule, StorageModule],
  controllers: [RetentionPoliciesController, RetentionRunsController, ErasuresController, DeletionCertificatesController],
  providers: [RetentionSweeperRegistry, RetentionService, ErasureService, CertificateSigner],
  exports: [RetentionSweeperRegistry, RetentionService, ErasureService],
})
export class RetentionModule {}
