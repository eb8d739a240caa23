import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { SignedIn } from '../authz/authorize.decorator';
import { CurrentUser, Public, UserPrincipal } from './auth.decorators';
import { ClientInfo, RequestClient } from './client-info';
import { CodeSentDto, LoginCodeRequestDto, SignInResultDto, VerifyLoginDto } from './dto/user-sign-in.dto';
import { CodeSent, SignInResult, UserSignInService } from './user-sign-in.service';

@ApiTags('public: sign-in')
@Controller('v1/auth')
export class UserAuthController {
  constructor(private readonly signIn: UserSignInService) {}

  @Public()
  @Post('login-code')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: CodeSentDto, description: 'Always the same answer, whether or not the address has an account.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: not one email address.' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED: too many codes for this address or from this network (Retry-After).' })
  requestCode(@Body() dto: LoginCodeRequestDto, @RequestClient() client: ClientInfo): Promise<CodeSent> {
    return this.signIn.requestLoginCode(dto.email, client);
  }

  @Public()
  @Post('verify')
  @HttpCode(200)
  @ApiOkResponse({ type: SignInResultDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_CODE: wrong code, or no code was asked for (the same answer either way).' })
  @ApiBadRequestResponse({ description: 'CODE_EXPIRED, CODE_ALREADY_USED, CODE_ATTEMPTS_EXCEEDED: ask for a new code.' })
  @ApiForbiddenResponse({ description: 'ACCOUNT_UNAVAILABLE: the account is suspended, terminated or deleted.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED; on a first sign-in without ageConfirmed13Plus: true, errors.ageConfirmed13Plus (no account is created).' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED: too many codes tried from this network (Retry-After).' })
  verify(@Body() dto: VerifyLoginDto, @RequestClient() client: ClientInfo): Promise<SignInResult> {
    return this.signIn.verify(dto.email, dto.code, dto.ageConfirmed13Plus, client);
  }

  @Post('logout')
  @SignedIn()
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiNoContentResponse({ description: 'The session is revoked; its token no longer works.' })
  logout(@CurrentUser() user: UserPrincipal): Promise<void> {
    return this.signIn.logout(user.sessionId);
  }
}
