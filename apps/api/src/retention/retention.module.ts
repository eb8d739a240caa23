import { Module, OnModuleInit } from '@nestjs/common';
import { AuditArchiveService } from '../audit/audit-archive.service';
import { auditSegmentsSweeper } from '../audit/audit-segments-sweeper';
import { AuditModule } from '../audit/audit.module';
import { LegalHoldsService } from '../legal-holds/legal-holds.service';
import { StorageModule } from '../storage/storage.module';
import { SupportExtensions } from '../support/support-extensions';
import { SupportModule } from '../support/support.module';
import { CertificateSigner } from './certificate-signer.service';
import { ErasureService } from './erasure.service';
import { DeletionCertificatesController, ErasuresController, RetentionPoliciesController, RetentionRunsController } from './retention.controller';
import { RetentionService } from './retention.service';
import { RetentionSweeperRegistry } from './retention-sweepers.registry';
import { retentionAccountFlags } from './support-account-flags';

/** Retention sweeps, account erasure and deletion certificates (docs/retention.md). */
@Module({
  imports: [AuditModule, StorageModule, SupportModule],
  controllers: [RetentionPoliciesController, RetentionRunsController, ErasuresController, DeletionCertificatesController],
  providers: [RetentionSweeperRegistry, RetentionService, ErasureService, CertificateSigner],
  exports: [RetentionSweeperRegistry, RetentionService, ErasureService],
})
export class RetentionModule implements OnModuleInit {
  constructor(
    private readonly support: SupportExtensions,
    private readonly holds: LegalHoldsService,
    private readonly erasures: ErasureService,
    private readonly sweepers: RetentionSweeperRegistry,
    private readonly auditArchive: AuditArchiveService,
  ) {}

  onModuleInit(): void {
    // The ticket side panel shows legal holds touching the user and a scheduled erasure with its date.
    this.support.registerAccountFlags(retentionAccountFlags(this.holds, this.erasures));
    // The audit module cannot import this one (it is imported by it): its sweeper is registered here.
    this.sweepers.register(auditSegmentsSweeper(this.auditArchive));
  }
}
