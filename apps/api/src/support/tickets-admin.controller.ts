import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import type { AppAbility } from '../authz/ability';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentAbility, CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { AdjustCreditsDto, AssignTicketDto, ConvertToPrivacyRequestDto, RefundJobDto, StaffNoteDto, StaffReplyDto, TicketPriorityDto, TicketStatusDto } from './dto/ticket.dto';
import { SupportReport, SupportReportsService } from './support-reports.service';
import { SUPPORT_ERROR_CODES } from './support.exception';
import type { StaffTicketView } from './ticket-view';
import { TICKET_LIST_RULES, TicketsAdminService } from './tickets-admin.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

// The support inbox. Security reports are visible to admins and privacy officers only (authz/permissions.ts).
@ApiTags('console: tickets')
@ApiBearerAuth()
@Controller('admin/tickets')
export class TicketsAdminController {
  constructor(
    private readonly tickets: TicketsAdminService,
    private readonly reports: SupportReportsService,
  ) {}

  @Get()
  @Authorize('read', 'Ticket')
  @ApiOperation({ summary: 'Inbox (ra-data-simple-rest): filter by status, category, priority (one or a list), assigneeId, unassigned, breached, userId, q (subject or #number).' })
  @ApiOkResponse({ description: 'With Content-Range: tickets <first>-<last>/<total>.' })
  list(@Query() query: Record<string, unknown>, @CurrentAbility() ability: AppAbility): Promise<ListPage<StaffTicketView>> {
    return this.tickets.list(parseListQuery(query, TICKET_LIST_RULES), ability);
  }

  @Get('report')
  @Authorize('read', 'Report')
  @ApiOperation({ summary: 'Volume, first-response and resolution median/p90 (seconds) and SLA breach rate, in total, by category and by agent, for tickets opened in [from, to) (default: last 30 days; at most 366 days).' })
  report(@Query() query: Record<string, unknown>): Promise<SupportReport> {
    return this.reports.report(query);
  }

  @Get('report.csv')
  @Authorize('read', 'Report')
  @ApiProduces('text/csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="support-report.csv"')
  reportCsv(@Query() query: Record<string, unknown>): Promise<string> {
    return this.reports.csv(query);
  }

  @Get('assignees')
  @Authorize('assign', 'Ticket')
  @ApiOperation({ summary: 'Staff a ticket can be assigned to: active support agents and admins (id, name, role), for the assign picker.' })
  assignees(): Promise<Array<{ id: string; displayName: string; role: string }>> {
    return this.tickets.assignees();
  }

  @Get(':id')
  @Authorize('read', 'Ticket')
  @ApiOperation({ summary: 'One ticket with the conversation (notes included), attachments, SLA, the user’s account state, credits and recent jobs; recorded as ticket.read.' })
  @ApiNotFoundResponse({ description: `TICKET_NOT_FOUND: ${SUPPORT_ERROR_CODES.TICKET_NOT_FOUND}` })
  get(@Param('id', uuid) id: string, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.get(id, ability, staff);
  }

  @Post(':id/reply')
  @Authorize('reply', 'Ticket')
  @HttpCode(200)
  @ApiOperation({ summary: 'Public reply, emailed to the requester (service-critical). Send the newest message id you saw as lastSeenMessageId.' })
  @ApiConflictResponse({ description: `TICKET_COLLISION: ${SUPPORT_ERROR_CODES.TICKET_COLLISION} TICKET_CLOSED: ${SUPPORT_ERROR_CODES.TICKET_CLOSED}` })
  reply(@Param('id', uuid) id: string, @Body() dto: StaffReplyDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.reply(id, dto, ability, staff);
  }

  @Post(':id/note')
  @Authorize('note', 'Ticket')
  @HttpCode(200)
  @ApiOperation({ summary: 'Internal note: staff only, never emailed, never visible through /v1.' })
  note(@Param('id', uuid) id: string, @Body() dto: StaffNoteDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.note(id, dto, ability, staff);
  }

  @Post(':id/assign')
  @Authorize('assign', 'Ticket')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assign to yourself or another support agent (security reports: admins); null unassigns.' })
  @ApiUnprocessableEntityResponse({ description: `ASSIGNEE_NOT_AGENT: ${SUPPORT_ERROR_CODES.ASSIGNEE_NOT_AGENT}` })
  assign(@Param('id', uuid) id: string, @Body() dto: AssignTicketDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.assign(id, dto.assigneeId, ability, staff);
  }

  @Post(':id/status')
  @Authorize('update', 'Ticket')
  @HttpCode(200)
  @ApiConflictResponse({ description: `TICKET_STATUS_CHANGE_NOT_ALLOWED: ${SUPPORT_ERROR_CODES.TICKET_STATUS_CHANGE_NOT_ALLOWED}` })
  status(@Param('id', uuid) id: string, @Body() dto: TicketStatusDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.changeStatus(id, dto.status, ability, staff);
  }

  @Post(':id/priority')
  @Authorize('update', 'Ticket')
  @HttpCode(200)
  @ApiConflictResponse({ description: `TICKET_PRIORITY_LOCKED: ${SUPPORT_ERROR_CODES.TICKET_PRIORITY_LOCKED}` })
  priority(@Param('id', uuid) id: string, @Body() dto: TicketPriorityDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.changePriority(id, dto.priority, ability, staff);
  }

  @Post(':id/adjust-credits')
  @Authorize('create', 'CreditEntry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Adjusts the ticket owner’s credits through billing (its limits apply); 501 CREDITS_UNAVAILABLE until billing registers.' })
  adjustCredits(@Param('id', uuid) id: string, @Body() dto: AdjustCreditsDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.adjustCredits(id, dto, ability, staff);
  }

  @Post(':id/refund-job')
  @Authorize('refund', 'Generation')
  @HttpCode(200)
  @ApiOperation({ summary: 'Refunds a job linked to the ticket the way the jobs console does (captured credits only, once); recorded as ticket.refund_job. 501 JOB_REFUND_UNAVAILABLE in a build without generation.' })
  @ApiUnprocessableEntityResponse({ description: `JOB_NOT_LINKED: ${SUPPORT_ERROR_CODES.JOB_NOT_LINKED}` })
  @ApiConflictResponse({ description: 'GENERATION_ACTION_NOT_ALLOWED: the job’s credits were not captured or were already refunded.' })
  refundJob(@Param('id', uuid) id: string, @Body() dto: RefundJobDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.refundJob(id, dto, ability, staff);
  }

  @Post(':id/convert-to-privacy-request')
  @Authorize('read', 'Ticket')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Converts a privacy ticket into a privacy request of the given type, for the ticket’s user (the privacy module creates it and sends the acknowledgement; the link is kept both ways). A signed-in author’s request starts verified (deletion: re-confirmed by code); a guest’s waits for the emailed code. 501 PRIVACY_CONVERSION_UNAVAILABLE in a build without privacy requests.',
  })
  @ApiConflictResponse({ description: `PRIVACY_CONVERSION_NOT_ALLOWED: ${SUPPORT_ERROR_CODES.PRIVACY_CONVERSION_NOT_ALLOWED}` })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: type is missing or not a privacy request type.' })
  convert(@Param('id', uuid) id: string, @Body() dto: ConvertToPrivacyRequestDto, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<StaffTicketView> {
    return this.tickets.convertToPrivacyRequest(id, dto.type, ability, staff);
  }

  @Get(':id/attachments/:attachmentId')
  @Authorize('read', 'Ticket')
  @ApiOperation({ summary: 'Downloads an attachment (always as a download, never rendered inline); recorded as ticket.attachment_read.' })
  async attachment(
    @Param('id', uuid) id: string,
    @Param('attachmentId', uuid) attachmentId: string,
    @CurrentAbility() ability: AppAbility,
    @CurrentStaff() staff: StaffPrincipal,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.tickets.sendAttachment(id, attachmentId, ability, staff, req, res);
  }
}
