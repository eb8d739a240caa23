import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { JobsModule } from '../jobs/jobs.module';
import { StorageModule } from '../storage/storage.module';
import { AccessPackageTokenEntity } from './access-package-token.entity';
import { AccessPackageEntity } from './access-package.entity';
import { AccessPackageService } from './access-package.service';
import { DownloadsController } from './downloads.controller';
import { DownloadsService } from './downloads.service';
import { PackageBuilder } from './package-builder.service';
import { PrivacyPackagesAdminController } from './privacy-packages-admin.controller';

/** Access/portability packages: durable builds, progress, expiring audited download links. */
@Module({
  imports: [TypeOrmModule.forFeature([AccessPackageEntity, AccessPackageTokenEntity]), JobsModule, StorageModule, AuditModule],
  controllers: [DownloadsController, PrivacyPackagesAdminController],
  providers: [AccessPackageService, PackageBuilder, DownloadsService],
  exports: [AccessPackageService],
})
export class PrivacyPackagesModule {}
