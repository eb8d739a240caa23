import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { StorageService } from '../storage/storage.service';
import { CancelErasureDto, DeletionCertificateDto, ErasureDto, ScheduleErasureDto } from './dto/erasure.dto';
import { RetentionPolicyDto, RetentionPreviewDto, RetentionRunDto, UpdateRetentionPolicyDto } from './dto/retention.dto';
import { CERTIFICATE_LIST_RULES, ERASURE_LIST_RULES, ErasureService } from './erasure.service';
import { RETENTION_POLICY_LIST_RULES, RETENTION_RUN_LIST_RULES, RetentionService } from './retention.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });
const actorOf = (staff: StaffPrincipal) => ({ type: 'staff' as const, id: staff.id, role: staff.role });

@ApiTags('console: retention')
@ApiBearerAuth()
@Controller('admin/retention-policies')
export class RetentionPoliciesController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @Authorize('read', 'RetentionPolicy')
  @ApiOkResponse({ type: RetentionPolicyDto, isArray: true })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<RetentionPolicyDto>> {
    return this.retention.listPolicies(parseListQuery(query, RETENTION_POLICY_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'RetentionPolicy')
  @ApiOkResponse({ type: RetentionPolicyDto })
  @ApiNotFoundResponse({ description: 'RETENTION_POLICY_NOT_FOUND' })
  get(@Param('id', uuid) id: string): Promise<RetentionPolicyDto> {
    return this.retention.getPolicy(id);
  }

  @Put(':id')
  @Authorize('update', 'RetentionPolicy')
  @ApiOperation({ summary: 'Change the period, wording or whether it runs; audited with before and after.' })
  @ApiOkResponse({ type: RetentionPolicyDto })
  update(@Param('id', uuid) id: string, @Body() dto: UpdateRetentionPolicyDto, @CurrentStaff() staff: StaffPrincipal): Promise<RetentionPolicyDto> {
    return this.retention.updatePolicy(id, dto, actorOf(staff));
  }

  @Post(':id/preview')
  @Authorize('preview', 'RetentionPolicy')
  @HttpCode(200)
  @ApiOperation({ summary: 'Dry run: what would go now, and what legal holds keep and why. Changes nothing.' })
  @ApiOkResponse({ type: RetentionPreviewDto })
  @ApiConflictResponse({ description: 'RETENTION_SWEEP_NOT_AVAILABLE' })
  preview(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<RetentionPreviewDto> {
    return this.retention.preview(id, actorOf(staff));
  }

  @Post(':id/run')
  @Authorize('run', 'RetentionPolicy')
  @HttpCode(202)
  @ApiOperation({ summary: 'Queue a sweep now; follow it on /admin/retention-runs/:id.' })
  @ApiAcceptedResponse({ type: RetentionRunDto })
  @ApiConflictResponse({ description: 'RETENTION_RUN_IN_PROGRESS, RETENTION_POLICY_DISABLED or RETENTION_SWEEP_NOT_AVAILABLE' })
  run(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<RetentionRunDto> {
    return this.retention.startRun(id, 'manual', actorOf(staff));
  }
}

@ApiTags('console: retention')
@ApiBearerAuth()
@Controller('admin/retention-runs')
export class RetentionRunsController {
  constructor(private readonly retention: RetentionService) {}

  @Get()
  @Authorize('read', 'RetentionRun')
  @ApiOkResponse({ type: RetentionRunDto, isArray: true })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<RetentionRunDto>> {
    return this.retention.listRuns(parseListQuery(query, RETENTION_RUN_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'RetentionRun')
  @ApiOkResponse({ type: RetentionRunDto })
  get(@Param('id', uuid) id: string): Promise<RetentionRunDto> {
    return this.retention.getRun(id);
  }
}

@ApiTags('console: retention')
@ApiBearerAuth()
@Controller('admin/erasures')
export class ErasuresController {
  constructor(private readonly erasures: ErasureService) {}

  @Get()
  @Authorize('read', 'Erasure')
  @ApiOkResponse({ type: ErasureDto, isArray: true })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<ErasureDto>> {
    return this.erasures.list(parseListQuery(query, ERASURE_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'Erasure')
  @ApiOkResponse({ type: ErasureDto })
  get(@Param('id', uuid) id: string): Promise<ErasureDto> {
    return this.erasures.get(id);
  }

  @Post()
  @Authorize('create', 'Erasure')
  @ApiOperation({ summary: 'Schedule the erasure of an account (grace period; none for a child account). Privacy requests call this on approval.' })
  @ApiOkResponse({ type: ErasureDto })
  @ApiConflictResponse({ description: 'ERASURE_ALREADY_SCHEDULED' })
  schedule(@Body() dto: ScheduleErasureDto, @CurrentStaff() staff: StaffPrincipal): Promise<ErasureDto> {
    return this.erasures.schedule({ userId: dto.userId, reason: dto.reason, child: dto.child, actor: actorOf(staff) });
  }

  @Post(':id/cancel')
  @Authorize('update', 'Erasure')
  @HttpCode(200)
  @ApiOkResponse({ type: ErasureDto })
  @ApiConflictResponse({ description: 'ERASURE_NOT_CANCELABLE' })
  cancel(@Param('id', uuid) id: string, @Body() dto: CancelErasureDto, @CurrentStaff() staff: StaffPrincipal): Promise<ErasureDto> {
    return this.erasures.cancel(id, dto.reason, actorOf(staff));
  }
}

@ApiTags('console: retention')
@ApiBearerAuth()
@Controller('admin/deletion-certificates')
export class DeletionCertificatesController {
  constructor(
    private readonly erasures: ErasureService,
    private readonly storage: StorageService,
  ) {}

  @Get()
  @Authorize('read', 'DeletionCertificate')
  @ApiOkResponse({ type: DeletionCertificateDto, isArray: true })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<DeletionCertificateDto>> {
    return this.erasures.listCertificates(parseListQuery(query, CERTIFICATE_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'DeletionCertificate')
  @ApiOkResponse({ type: DeletionCertificateDto })
  get(@Param('id', uuid) id: string): Promise<DeletionCertificateDto> {
    return this.erasures.getCertificate(id);
  }

  @Get(':id/pdf')
  @Authorize('read', 'DeletionCertificate')
  @ApiOkResponse({ description: 'The certificate as a PDF.' })
  async pdf(@Param('id', uuid) id: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    await this.storage.sendObject(req, res, await this.erasures.certificatePdfKey(id), { downloadName: `deletion-certificate-${id}.pdf` });
  }
}
