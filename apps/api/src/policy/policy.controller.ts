import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentUser, Public, UserPrincipal } from '../identity/auth.decorators';
import { NoticeView, PolicyService, PolicyVersionView } from './policy.service';
import { PublicSubprocessorView, SubprocessorsService } from './subprocessors.service';

@ApiTags('public: policy')
@Controller('v1')
export class PolicyController {
  constructor(
    private readonly policy: PolicyService,
    private readonly subprocessors: SubprocessorsService,
  ) {}

  @Get('policy')
  @Public()
  @ApiOperation({ summary: 'The privacy policy in force, with its Last Updated date.' })
  @ApiNotFoundResponse({ description: 'NO_POLICY_IN_FORCE' })
  current(): Promise<PolicyVersionView> {
    return this.policy.current();
  }

  @Get('policy/versions')
  @Public()
  @ApiOkResponse({ description: 'Every published version (upcoming ones too), newest effective date first.' })
  versions(): Promise<PolicyVersionView[]> {
    return this.policy.published();
  }

  @Get('policy/subprocessors')
  @Public()
  @ApiOkResponse({ description: 'The sub-processor register: name, purpose, data categories, location, agreement date.' })
  subprocessorList(): Promise<PublicSubprocessorView[]> {
    return this.subprocessors.publicRegister();
  }

  @Get('notices')
  @Public()
  @ApiOkResponse({ description: 'Notices shown now on the homepage (significant policy changes, new sub-processors), with start and end.' })
  notices(): Promise<NoticeView[]> {
    return this.policy.activeNotices();
  }

  @Post('notices/:id/acknowledge')
  @Authorize('read', 'PolicyVersion')
  @ApiBearerAuth()
  @HttpCode(200)
  @ApiOperation({ summary: 'Records that the signed-in user acknowledged the notice (idempotent).' })
  @ApiNotFoundResponse({ description: 'NOTICE_NOT_FOUND' })
  acknowledge(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string, @CurrentUser() user: UserPrincipal): Promise<{ noticeId: string; acknowledgedAt: Date }> {
    return this.policy.acknowledge(id, user.id);
  }
}
