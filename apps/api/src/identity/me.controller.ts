import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { AppAbility } from '../authz/ability';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentAbility, CurrentUser, UserPrincipal } from './auth.decorators';
import { ClientInfo, RequestClient } from './client-info';
import { EmailChangeRequestDto, EmailChangeVerifyDto, UpdateProfileDto } from './dto/profile.dto';
import { CodeSentDto, UserProfileDto } from './dto/user-sign-in.dto';
import { ProfileService } from './profile.service';
import type { UserProfile } from './user-profile';
import type { CodeSent } from './user-sign-in.service';

// There is no route taking a user id: each handler works on the caller's own account only.
@ApiTags('public: profile')
@ApiBearerAuth()
@Controller('v1/me')
export class MeController {
  constructor(private readonly profile: ProfileService) {}

  @Get()
  @Authorize('read', 'User')
  @ApiOkResponse({ type: UserProfileDto })
  get(@CurrentUser() user: UserPrincipal, @CurrentAbility() ability: AppAbility): Promise<UserProfile> {
    return this.profile.get(user, ability);
  }

  @Patch()
  @Authorize('update', 'User')
  @ApiOkResponse({ type: UserProfileDto })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: an invalid value, or a field that cannot be changed here (status, email…).' })
  @ApiForbiddenResponse({ description: 'FIELD_NOT_EDITABLE: the caller may not change this field.' })
  update(@CurrentUser() user: UserPrincipal, @CurrentAbility() ability: AppAbility, @Body() dto: UpdateProfileDto): Promise<UserProfile> {
    return this.profile.update(user, ability, dto);
  }

  @Post('email')
  @Authorize('update', 'User')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: CodeSentDto, description: 'A code is sent to the new address (the same answer if another account holds it).' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: not one email address, or already the account’s address.' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED (Retry-After).' })
  requestEmailChange(@CurrentUser() user: UserPrincipal, @CurrentAbility() ability: AppAbility, @Body() dto: EmailChangeRequestDto, @RequestClient() client: ClientInfo): Promise<CodeSent> {
    return this.profile.requestEmailChange(user, ability, dto.newEmail, client);
  }

  @Post('email/verify')
  @Authorize('update', 'User')
  @HttpCode(200)
  @ApiOkResponse({ type: UserProfileDto, description: 'The new address applies; other sessions are signed out and the old address is told.' })
  @ApiBadRequestResponse({ description: 'INVALID_CODE, CODE_EXPIRED, CODE_ALREADY_USED, CODE_ATTEMPTS_EXCEEDED.' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED (Retry-After).' })
  confirmEmailChange(@CurrentUser() user: UserPrincipal, @CurrentAbility() ability: AppAbility, @Body() dto: EmailChangeVerifyDto, @RequestClient() client: ClientInfo): Promise<UserProfile> {
    return this.profile.confirmEmailChange(user, ability, dto.code, client);
  }
}
