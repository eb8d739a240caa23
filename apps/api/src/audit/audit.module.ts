import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { StorageModule } from '../storage/storage.module';
import { AuditArchiveService } from './audit-archive.service';
import { AuditAppender } from './audit-appender';
import { AuditLogEntity } from './audit-log.entity';
import { AuditRequestContextMiddleware } from './audit-request-context';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** The append-only, hash-chained audit trail. Other modules record through AuditService. */
@Module({
  imports: [TypeOrmModule.forFeature([AuditLogEntity]), StorageModule],
  controllers: [AuditController],
  providers: [AuditService, AuditAppender, AuditArchiveService],
  exports: [AuditService, AuditArchiveService],
})
export class AuditModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(AuditRequestContextMiddleware).forRoutes('*path');
  }
}
