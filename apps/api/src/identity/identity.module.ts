import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { AuthGuard } from './auth.guard';
import { StaffAuthController } from './staff-auth.controller';
import { StaffAuthService } from './staff-auth.service';
import { StaffSessionEntity } from './staff-session.entity';
import { StaffController } from './staff.controller';
import { StaffEntity } from './staff.entity';
import { StaffService } from './staff.service';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([StaffEntity, StaffSessionEntity, UserEntity]), AuditModule],
  controllers: [StaffAuthController, StaffController],
  providers: [StaffAuthService, StaffService, UsersService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [StaffAuthService, StaffService, UsersService],
})
export class IdentityModule {}
