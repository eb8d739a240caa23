import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthGuard } from './auth.guard';
import { StaffAuthController } from './staff-auth.controller';
import { StaffAuthService } from './staff-auth.service';
import { StaffSessionEntity } from './staff-session.entity';
import { StaffSessionPurge } from './staff-session-purge.service';
import { StaffController } from './staff.controller';
import { StaffEntity } from './staff.entity';
import { StaffService } from './staff.service';
import { UserAuthService } from './user-auth.service';
import { UserSessionEntity } from './user-session.entity';
import { UserEntity } from './user.entity';
import { UsersService } from './users.service';

@Module({
  imports: [TypeOrmModule.forFeature([StaffEntity, StaffSessionEntity, UserEntity, UserSessionEntity])],
  controllers: [StaffAuthController, StaffController],
  providers: [StaffAuthService, UserAuthService, StaffService, UsersService, StaffSessionPurge, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [StaffAuthService, UserAuthService, StaffService, UsersService],
})
export class IdentityModule {}
