import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/notifications.module';
import { AccessLogEntity } from './access-log.entity';
import { AccessLogService } from './access-log.service';
import { AuditModule } from '../audit/audit.module';
import { AuthGuard } from './auth.guard';
import { IdentityBackfillService } from './identity-backfill.service';
import { MeController } from './me.controller';
import { ProfileService } from './profile.service';
import { RateLimitHitEntity } from './rate-limit-hit.entity';
import { RateLimitService } from './rate-limit.service';
import { SignInPurge } from './sign-in-purge.service';
import { StaffAuthController } from './staff-auth.controller';
import { StaffAuthService } from './staff-auth.service';
import { StaffCredentialsService } from './staff-credentials.service';
import { StaffPasswordLinkEntity } from './staff-password-link.entity';
import { StaffPasswordService } from './staff-password.service';
import { StaffSessionEntity } from './staff-session.entity';
import { StaffSessionPurge } from './staff-session-purge.service';
import { StaffController } from './staff.controller';
import { StaffEntity } from './staff.entity';
import { StaffService } from './staff.service';
import { StaffTotpService } from './staff-totp.service';
import { TotpKeyService } from './totp-key.service';
import { UserAuthController } from './user-auth.controller';
import { UserAuthService } from './user-auth.service';
import { UserSessionEntity } from './user-session.entity';
import { UserSignInService } from './user-sign-in.service';
import { UserEntity } from './user.entity';
import { UsersAdminController } from './users-admin.controller';
import { UsersAdminService } from './users-admin.service';
import { UsersService } from './users.service';
import { VerificationCodeEntity } from './verification-code.entity';
import { VerificationCodesService } from './verification-codes.service';
import { VerificationKeyService } from './verification-key.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([StaffEntity, StaffSessionEntity, StaffPasswordLinkEntity, UserEntity, UserSessionEntity, VerificationCodeEntity, RateLimitHitEntity, AccessLogEntity]),
    NotificationsModule,
    AuditModule,
  ],
  controllers: [StaffAuthController, StaffController, UserAuthController, MeController, UsersAdminController],
  providers: [
    StaffAuthService,
    StaffCredentialsService,
    StaffPasswordService,
    StaffTotpService,
    TotpKeyService,
    UserAuthService,
    StaffService,
    UsersService,
    UsersAdminService,
    StaffSessionPurge,
    VerificationKeyService,
    VerificationCodesService,
    RateLimitService,
    AccessLogService,
    UserSignInService,
    ProfileService,
    SignInPurge,
    IdentityBackfillService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [StaffAuthService, UserAuthService, StaffService, UsersService, UsersAdminService, VerificationCodesService, VerificationKeyService, RateLimitService, AccessLogService, IdentityBackfillService],
})
export class IdentityModule {}
