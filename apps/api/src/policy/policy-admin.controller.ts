import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { NOTICE_CAMPAIGN_LIST_RULES, NoticeCampaignView, NoticeCampaignsService } from './notice-campaigns.service';
import { POLICY_VERSION_LIST_RULES, PolicyService, PolicyVersionView, PublishOutcome } from './policy.service';
import { SUBPROCESSOR_LIST_RULES, SubprocessorCreated, SubprocessorView, SubprocessorsService } from './subprocessors.service';

const actorOf = (s: StaffPrincipal): AuditActor => ({ type: 'staff', id: s.id, role: s.role });
const uuid = (): ParseUUIDPipe => new ParseUUIDPipe({ errorHttpStatusCode: 404 });

@ApiTags('console: policy')
@ApiBearerAuth()
@Controller('admin/policy-versions')
export class PolicyVersionsAdminController {
  constructor(private readonly policy: PolicyService) {}

  @Get()
  @Authorize('read', 'PolicyVersion')
  list(@Query() query: Record<string, unknown>): Promise<ListPage<PolicyVersionView>> {
    return this.policy.list(parseListQuery(query, POLICY_VERSION_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'PolicyVersion')
  @ApiNotFoundResponse({ description: 'POLICY_VERSION_NOT_FOUND' })
  get(@Param('id', uuid()) id: string): Promise<PolicyVersionView> {
    return this.policy.get(id);
  }

  @Post()
  @Authorize('create', 'PolicyVersion')
  @ApiOperation({ summary: 'A new draft: {version, title, body (Markdown), summaryOfChanges, significant, effectiveAt?}.' })
  @ApiConflictResponse({ description: 'POLICY_VERSION_TAKEN' })
  create(@Body() body: unknown, @CurrentStaff() staff: StaffPrincipal): Promise<PolicyVersionView> {
    return this.policy.create(body, actorOf(staff));
  }

  @Put(':id')
  @Authorize('update', 'PolicyVersion')
  @ApiConflictResponse({ description: 'POLICY_VERSION_PUBLISHED: published versions never change; publish a new one.' })
  update(@Param('id', uuid()) id: string, @Body() body: unknown, @CurrentStaff() staff: StaffPrincipal): Promise<PolicyVersionView> {
    return this.policy.update(id, body, actorOf(staff));
  }

  @Delete(':id')
  @Authorize('delete', 'PolicyVersion')
  @ApiConflictResponse({ description: 'POLICY_VERSION_PUBLISHED: only drafts can be deleted.' })
  remove(@Param('id', uuid()) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<PolicyVersionView> {
    return this.policy.remove(id, actorOf(staff));
  }

  @Post(':id/publish')
  @Authorize('publish', 'PolicyVersion')
  @HttpCode(200)
  @ApiOperation({ summary: 'Publishes a draft ({effectiveAt?}); a significant one gets a notice and an email campaign.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: effective date missing or in the past.' })
  @ApiConflictResponse({ description: 'POLICY_VERSION_PUBLISHED' })
  publish(@Param('id', uuid()) id: string, @Body() body: unknown, @CurrentStaff() staff: StaffPrincipal): Promise<PublishOutcome> {
    return this.policy.publish(id, body, actorOf(staff));
  }
}

@ApiTags('console: policy')
@ApiBearerAuth()
@Controller('admin/subprocessors')
export class SubprocessorsAdminController {
  constructor(private readonly subprocessors: SubprocessorsService) {}

  @Get()
  @Authorize('read', 'PolicyVersion')
  list(@Query() query: Record<string, unknown>): Promise<ListPage<SubprocessorView>> {
    return this.subprocessors.list(parseListQuery(query, SUBPROCESSOR_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'PolicyVersion')
  @ApiNotFoundResponse({ description: 'SUBPROCESSOR_NOT_FOUND' })
  get(@Param('id', uuid()) id: string): Promise<SubprocessorView> {
    return this.subprocessors.get(id);
  }

  @Post()
  @Authorize('create', 'PolicyVersion')
  @ApiOperation({ summary: '{name, purpose, dataCategories[], location, agreementDate, notify?}; notify announces it (notice + emails).' })
  @ApiConflictResponse({ description: 'SUBPROCESSOR_NAME_TAKEN' })
  create(@Body() body: unknown, @CurrentStaff() staff: StaffPrincipal): Promise<SubprocessorCreated> {
    return this.subprocessors.create(body, actorOf(staff));
  }

  @Put(':id')
  @Authorize('update', 'PolicyVersion')
  update(@Param('id', uuid()) id: string, @Body() body: unknown, @CurrentStaff() staff: StaffPrincipal): Promise<SubprocessorView> {
    return this.subprocessors.update(id, body, actorOf(staff));
  }

  @Delete(':id')
  @Authorize('delete', 'PolicyVersion')
  remove(@Param('id', uuid()) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<SubprocessorView> {
    return this.subprocessors.remove(id, actorOf(staff));
  }
}

@ApiTags('console: policy')
@ApiBearerAuth()
@Controller('admin/notice-campaigns')
export class NoticeCampaignsAdminController {
  constructor(private readonly campaigns: NoticeCampaignsService) {}

  @Get()
  @Authorize('read', 'PolicyVersion')
  list(@Query() query: Record<string, unknown>): Promise<ListPage<NoticeCampaignView>> {
    return this.campaigns.list(parseListQuery(query, NOTICE_CAMPAIGN_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'PolicyVersion')
  @ApiNotFoundResponse({ description: 'NOTICE_CAMPAIGN_NOT_FOUND' })
  get(@Param('id', uuid()) id: string): Promise<NoticeCampaignView> {
    return this.campaigns.get(id);
  }
}
