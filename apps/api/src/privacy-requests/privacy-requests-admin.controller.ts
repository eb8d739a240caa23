import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import type { AppAbility } from '../authz/ability';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentAbility, CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { ApproveDto, AssignDto, DenyDto, PrivacyMessageDto, ReasonDto } from './dto/privacy-request.dto';
import { PRIVACY_REQUEST_LIST_RULES, PrivacyRequestDetail, PrivacyRequestSummary, PrivacyRequestsAdminService } from './privacy-requests-admin.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

// Privacy officers manage privacy requests (authz/permissions.ts); every read of a request and every action is audited.
@ApiTags('console: privacy requests')
@ApiBearerAuth()
@Controller('admin/privacy-requests')
export class PrivacyRequestsAdminController {
  constructor(private readonly requests: PrivacyRequestsAdminService) {}

  @Get()
  @Authorize('read', 'PrivacyRequest')
  @ApiOperation({ summary: 'The queue (ra-data-simple-rest): filter by type, regime, status (one or a list), assigneeId ("none" = unassigned), open, overdue, awaitingOfficer, q; sort by dueAt (default), receivedAt, status, type, statusChangedAt, awaitingOfficerSince.' })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<PrivacyRequestSummary>> {
    return this.requests.list(parseListQuery(query, PRIVACY_REQUEST_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'PrivacyRequest')
  @ApiOperation({ summary: 'One request with its deadlines, allowed actions and full timeline; recorded as privacy_request.read.' })
  @ApiNotFoundResponse({ description: 'PRIVACY_REQUEST_NOT_FOUND' })
  get(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.get(id, staff);
  }

  @Get(':id/proof')
  @Authorize('read', 'PrivacyRequest')
  @ApiOperation({ summary: 'An authorized agent’s proof document; recorded as privacy_request.proof_read.' })
  proof(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.requests.sendProof(id, staff, req, res);
  }

  @Post(':id/assign')
  @Authorize('assign', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign (default: to yourself); a verified request moves to in_review.' })
  assign(@Param('id', uuid) id: string, @Body() dto: AssignDto, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.assign(id, dto.assigneeId, staff);
  }

  @Post(':id/approve')
  @Authorize('approve', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve; fulfilment starts as a durable job. Correction: the reviewed changes.' })
  @ApiConflictResponse({ description: 'ILLEGAL_TRANSITION, ACCOUNT_NOT_FOUND_FOR_REQUEST' })
  approve(@Param('id', uuid) id: string, @Body() dto: ApproveDto, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.approve(id, dto, staff);
  }

  @Post(':id/deny')
  @Authorize('deny', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Deny with a reason code and text; the requester is told, with their right to complain.' })
  deny(@Param('id', uuid) id: string, @Body() dto: DenyDto, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.deny(id, dto.reasonCode, dto.text, staff);
  }

  @Post(':id/extend')
  @Authorize('extend', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the deadline once, with a reason, before the first deadline; the requester is told.' })
  extend(@Param('id', uuid) id: string, @Body() dto: ReasonDto, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.extend(id, dto.reason, staff);
  }

  @Post(':id/hold')
  @Authorize('update', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Put on hold with a reason; the clock stops and the requester is told why.' })
  hold(@Param('id', uuid) id: string, @Body() dto: ReasonDto, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.hold(id, dto.reason, staff);
  }

  @Post(':id/resume')
  @Authorize('update', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'End a hold: the request returns to where it was and the clock runs again.' })
  resume(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.resume(id, staff);
  }

  @Post(':id/message')
  @Authorize('update', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Message the requester: emailed and shown on their status page.' })
  message(@Param('id', uuid) id: string, @Body() dto: PrivacyMessageDto, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.message(id, dto.body, staff);
  }

  @Post(':id/fulfil')
  @Authorize('fulfil', 'PrivacyRequest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Run a failed fulfilment again.' })
  fulfil(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.retry(id, staff);
  }

  @Post(':id/lift-restriction')
  @Authorize('update', 'User')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift the restriction a completed restriction request set; the user is notified in the same transaction as the lift.' })
  liftRestriction(@Param('id', uuid) id: string, @Body() dto: ReasonDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<PrivacyRequestDetail> {
    return this.requests.liftRestriction(id, dto.reason, ability, staff);
  }
}
