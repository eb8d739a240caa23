import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentStaff, Public, StaffPrincipal } from './auth.decorators';
import { SignedIn } from '../authz/authorize.decorator';
import { StaffLoginDto, StaffLoginResponseDto } from './dto/staff-login.dto';
import { StaffAuthService, StaffLoginResult } from './staff-auth.service';

@ApiTags('console: auth')
@Controller('admin/auth')
export class StaffAuthController {
  constructor(private readonly auth: StaffAuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffLoginResponseDto })
  login(@Body() dto: StaffLoginDto): Promise<StaffLoginResult> {
    return this.auth.login(dto.email, dto.password);
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
}
