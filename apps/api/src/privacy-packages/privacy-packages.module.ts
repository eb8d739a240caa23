import { Module, OnModuleInit } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuditService } from '../audit/audit.service';
import { JobsModule } from '../jobs/jobs.module';
import { RetentionModule } from '../retention/retention.module';
import { RetentionSweeperRegistry } from '../retention/retention-sweepers.registry';
import { StorageModule } from '../storage/storage.module';
import { StorageService } from '../storage/storage.service';
import { accessPackagesSweeper } from './access-package-retention';
import { AccessPackageTokenEntity } from './access-package-token.entity';
import { AccessPackageEntity } from './access-package.entity';
import { AccessPackageService } from './access-package.service';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { PackageBuilder } from './package-builder.service';
import { PrivacyPackagesAdminController } from './privacy-packages-admin.controller';

/** Access/portability packages: durable builds, progress, expiring audited download links. */
@Module({
  imports: [TypeOrmModule.forFeature([AccessPackageEntity, AccessPackageTokenEntity]), JobsModule, StorageModule, AuditModule, RetentionModule],
  controllers: [DownloadsController, PrivacyPackagesAdminController],
  providers: [AccessPackageService, PackageBuilder, DownloadsService],
  exports: [AccessPackageService],
})
export class PrivacyPackagesModule implements OnModuleInit {
  constructor(
    private readonly sweepers: RetentionSweeperRegistry,
    private readonly storage: StorageService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.sweepers.register(accessPackagesSweeper({ storage: this.storage, audit: this.audit }));
  }
}
