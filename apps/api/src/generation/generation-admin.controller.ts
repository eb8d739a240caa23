import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import type { AppAbility } from '../authz/ability';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentAbility, CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { StorageService } from '../storage/storage.service';
import { GenerationActionDto } from './dto/generation-admin.dto';
import { GENERATION_LIST_RULES, GenerationAction, GenerationAdminDetail, GenerationAdminRow, GenerationAdminService } from './generation-admin.service';
import { GENERATION_ERROR_CODES } from './generation.exception';
import type { ProviderInfo } from './video-provider.host';

const ID = new ParseUUIDPipe({ errorHttpStatusCode: 404 });
const staffActor = (s: StaffPrincipal): { type: 'staff'; id: string; role: string } => ({ type: 'staff', id: s.id, role: s.role });

@ApiTags('console: generations')
@ApiBearerAuth()
@Controller('admin')
export class GenerationAdminController {
  constructor(
    private readonly admin: GenerationAdminService,
    private readonly storage: StorageService,
  ) {}

  @Get('generations')
  @Authorize('read', 'Generation')
  @ApiOperation({ summary: 'Jobs (ra-data-simple-rest); filter by id, status, errorClass, model, provider, userId, email (part of the user’s address), createdFrom, createdBefore.' })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<GenerationAdminRow>> {
    return this.admin.list(parseListQuery(query, GENERATION_LIST_RULES));
  }

  @Get('generations/provider')
  // Configuration, not personal data: every role that sees the system's status.
  @Authorize('read', 'SystemStatus')
  @ApiOperation({ summary: 'Which video provider this server uses (the local simulator is labelled as such).' })
  provider(): ProviderInfo {
    return this.admin.providerInfo();
  }

  @Get('generations/user-stats/:userId')
  @Authorize('read', 'Generation')
  @ApiOperation({ summary: 'A user’s job counts and failure rate (failed / finished).' })
  userStats(@Param('userId', ID) userId: string): ReturnType<GenerationAdminService['userStats']> {
    return this.admin.userStats(userId);
  }

  @Get('reports/generations')
  // Aggregates of jobs, for the dashboard of everyone who works with jobs.
  @Authorize('read', 'Generation')
  @ApiOperation({ summary: 'Per day (UTC) over the last `days` (default 30): jobs, completed, failed, success rate, failures per error class.' })
  report(@Query('days') days?: string): ReturnType<GenerationAdminService['report']> {
    return this.admin.report(Math.min(366, Math.max(1, Number(days) || 30)));
  }

  @Get('generations/:id')
  @Authorize('read', 'Generation')
  @ApiOperation({
    summary:
      'One job: request, provider ids, status timeline, error, moderation reason, credit entries, stored assets, and the active legal holds covering it (reason and expiry for readers of legal holds); recorded as generation.read.',
  })
  @ApiNotFoundResponse({ description: `GENERATION_NOT_FOUND: ${GENERATION_ERROR_CODES.GENERATION_NOT_FOUND}` })
  get(@Param('id', ID) id: string, @CurrentStaff() staff: StaffPrincipal, @CurrentAbility() ability: AppAbility): Promise<GenerationAdminDetail> {
    return this.admin.get(id, staffActor(staff), ability);
  }

  @Get('generations/:id/reference')
  @Authorize('read', 'Generation')
  @ApiOperation({ summary: 'The job’s reference image; recorded as generation.read_reference.' })
  reference(@Param('id', ID) id: string, @CurrentStaff() staff: StaffPrincipal, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.admin.sendReference(id, staffActor(staff), (key) => this.storage.sendObject(req, res, key, { disposition: 'inline' }));
  }

  @Post('generations/:id/refresh')
  @Authorize('refresh', 'Generation')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The job; its next step (a provider status check) is queued now.' })
  @ApiConflictResponse({ description: `GENERATION_ACTION_NOT_ALLOWED: ${GENERATION_ERROR_CODES.GENERATION_ACTION_NOT_ALLOWED}` })
  refresh(@Param('id', ID) id: string, @Body() dto: GenerationActionDto, @CurrentStaff() staff: StaffPrincipal): Promise<GenerationAdminDetail> {
    return this.act(id, 'refresh', dto, staff);
  }

  @Post('generations/:id/retry')
  @Authorize('retry', 'Generation')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The NEW job (credits held again) made from a failed or canceled one.' })
  retry(@Param('id', ID) id: string, @Body() dto: GenerationActionDto, @CurrentStaff() staff: StaffPrincipal): Promise<GenerationAdminDetail> {
    return this.act(id, 'retry', dto, staff);
  }

  @Post('generations/:id/cancel')
  @Authorize('cancel', 'Generation')
  @HttpCode(200)
  cancel(@Param('id', ID) id: string, @Body() dto: GenerationActionDto, @CurrentStaff() staff: StaffPrincipal): Promise<GenerationAdminDetail> {
    return this.act(id, 'cancel', dto, staff);
  }

  @Post('generations/:id/refund')
  @Authorize('refund', 'Generation')
  @HttpCode(200)
  @ApiOkResponse({ description: 'The job; its captured credits are given back (once).' })
  refund(@Param('id', ID) id: string, @Body() dto: GenerationActionDto, @CurrentStaff() staff: StaffPrincipal): Promise<GenerationAdminDetail> {
    return this.act(id, 'refund', dto, staff);
  }

  @Post('generations/:id/recopy')
  @Authorize('recopy', 'Generation')
  @HttpCode(200)
  recopy(@Param('id', ID) id: string, @Body() dto: GenerationActionDto, @CurrentStaff() staff: StaffPrincipal): Promise<GenerationAdminDetail> {
    return this.act(id, 'recopy', dto, staff);
  }

  @Post('generations/:id/delete')
  @Authorize('delete', 'Generation')
  @HttpCode(200)
  @ApiConflictResponse({ description: 'LEGAL_HOLD_BLOCKS_DELETION: a legal hold covers the job or its user. GENERATION_ACTION_NOT_ALLOWED: already deleted.' })
  delete(@Param('id', ID) id: string, @Body() dto: GenerationActionDto, @CurrentStaff() staff: StaffPrincipal): Promise<GenerationAdminDetail> {
    return this.act(id, 'delete', dto, staff);
  }

  private act(id: string, action: GenerationAction, dto: GenerationActionDto, staff: StaffPrincipal): Promise<GenerationAdminDetail> {
    return this.admin.act(id, action, dto.reason, staffActor(staff));
  }
}
