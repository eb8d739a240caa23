import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { CurrentStaff, Public, StaffPrincipal } from './auth.decorators';
import { SignedIn } from '../authz/authorize.decorator';
import { StaffLoginDto, StaffLoginResponseDto } from './dto/staff-login.dto';
import { ChangePasswordDto, SetPasswordDto, TotpCodeDto, TotpDisableDto, TotpSetupDto, TotpStatusDto } from './dto/staff-security.dto';
import { StaffAuthService, StaffLoginResult } from './staff-auth.service';
import { StaffPasswordService } from './staff-password.service';
import { StaffTotpService, TotpSetup, TotpStatus } from './staff-totp.service';

// Routes about the caller's own account: no staff id is taken, each handler acts on the signed-in member.
@ApiTags('console: auth')
@Controller('admin/auth')
export class StaffAuthController {
  constructor(
    private readonly auth: StaffAuthService,
    private readonly passwords: StaffPasswordService,
    private readonly totp: StaffTotpService,
  ) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffLoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS; TOTP_REQUIRED (password correct, send `totp`); INVALID_TOTP (wrong or already used code).' })
  @ApiTooManyRequestsResponse({ description: 'ACCOUNT_LOCKED after 5 failures in a row, for 15 minutes (Retry-After).' })
  login(@Body() dto: StaffLoginDto): Promise<StaffLoginResult> {
    return this.auth.login(dto.email, dto.password, dto.totp);
  }

  @Post('logout')
  @SignedIn()
  @HttpCode(204)
  @ApiBearerAuth()
  logout(@CurrentStaff() staff: StaffPrincipal): Promise<void> {
    return this.auth.logout(staff.sessionId);
  }

  @Get('me')
  @SignedIn()
  @ApiBearerAuth()
  me(@CurrentStaff() staff: StaffPrincipal): StaffPrincipal {
    return staff;
  }

  @Public()
  @Post('set-password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The password is set; sign in with it. The link no longer works.' })
  @ApiBadRequestResponse({ description: 'PASSWORD_LINK_INVALID (unknown, used, replaced, or the account is disabled); PASSWORD_LINK_EXPIRED.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: the password breaks a rule (at least 12 characters, not the email address); the link still works.' })
  setPassword(@Body() dto: SetPasswordDto): Promise<void> {
    return this.passwords.setWithLink(dto.token, dto.password);
  }

  @Post('password')
  @SignedIn()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Changed; the member’s other sessions are signed out and they are told by email.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: currentPassword not correct (counts towards the lockout), or newPassword breaks a rule.' })
  @ApiTooManyRequestsResponse({ description: 'ACCOUNT_LOCKED (Retry-After).' })
  changePassword(@CurrentStaff() staff: StaffPrincipal, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.passwords.change(staff, dto.currentPassword, dto.newPassword);
  }

  @Get('totp')
  @SignedIn()
  @ApiBearerAuth()
  @ApiOkResponse({ type: TotpStatusDto })
  totpStatus(@CurrentStaff() staff: StaffPrincipal): Promise<TotpStatus> {
    return this.totp.status(staff);
  }

  @Post('totp/setup')
  @SignedIn()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: TotpSetupDto, description: 'A new secret, shown only here; two-step sign-in starts once a code from it is confirmed.' })
  @ApiConflictResponse({ description: 'TOTP_ALREADY_ENABLED.' })
  totpSetup(@CurrentStaff() staff: StaffPrincipal): Promise<TotpSetup> {
    return this.totp.setup(staff);
  }

  @Post('totp/confirm')
  @SignedIn()
  @HttpCode(200)
  @ApiBearerAuth()
  @ApiOkResponse({ type: TotpStatusDto, description: 'Two-step sign-in is on: signing in now needs a code.' })
  @ApiBadRequestResponse({ description: 'INVALID_TOTP: the code does not match the pending secret.' })
  @ApiConflictResponse({ description: 'TOTP_NOT_PENDING (no set-up started) or TOTP_ALREADY_ENABLED.' })
  totpConfirm(@CurrentStaff() staff: StaffPrincipal, @Body() dto: TotpCodeDto): Promise<TotpStatus> {
    return this.totp.confirm(staff, dto.code);
  }

  @Post('totp/disable')
  @SignedIn()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'Two-step sign-in is off; the member is told by email.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: the password is not correct (counts towards the lockout).' })
  @ApiConflictResponse({ description: 'TOTP_NOT_ENABLED.' })
  totpDisable(@CurrentStaff() staff: StaffPrincipal, @Body() dto: TotpDisableDto): Promise<void> {
    return this.totp.disable(staff, dto.password);
  }
}
