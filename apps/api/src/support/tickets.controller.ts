import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UploadedFiles } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentUser, Public, UserPrincipal } from '../identity/auth.decorators';
import { ClientInfo, RequestClient } from '../identity/client-info';
import { AcceptsAttachments, UploadedAttachment } from './attachment-upload';
import { CreateTicketDto, GuestTicketDto, GuestTicketVerifyDto, TicketMessageDto } from './dto/ticket.dto';
import { GuestTicketOpened, GuestTicketRequested, GuestTicketsService } from './guest-tickets.service';
import { SUPPORT_ERROR_CODES } from './support.exception';
import type { UserTicketView } from './ticket-view';
import { TicketsService } from './tickets.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

// End users' tickets. Internal notes never appear here; other users' tickets answer 404.
@ApiTags('support')
@Controller('v1/tickets')
export class TicketsController {
  constructor(
    private readonly tickets: TicketsService,
    private readonly guests: GuestTicketsService,
  ) {}

  @Post('guest')
  @Public()
  @HttpCode(202)
  @ApiOperation({ summary: 'Without signing in (locked out): ask for an account or security_report ticket; a 6-digit code is emailed. Same answer for every address.' })
  @ApiAcceptedResponse({ description: '{requestId, message, expiresInSeconds}' })
  requestGuest(@Body() dto: GuestTicketDto, @RequestClient() client: ClientInfo): Promise<GuestTicketRequested> {
    return this.guests.request(dto, client);
  }

  @Post('guest/:requestId/verify')
  @Public()
  @HttpCode(201)
  @ApiOperation({ summary: 'Confirms a guest ticket with the emailed code; the ticket is opened and replies go to that address.' })
  @ApiCreatedResponse({ description: '{ticketNumber, message}' })
  verifyGuest(@Param('requestId', new ParseUUIDPipe({ errorHttpStatusCode: 400 })) requestId: string, @Body() dto: GuestTicketVerifyDto, @RequestClient() client: ClientInfo): Promise<GuestTicketOpened> {
    return this.guests.verify(requestId, dto.code, client);
  }

  @Post()
  @Authorize('create', 'Ticket')
  @ApiBearerAuth()
  @AcceptsAttachments()
  @ApiOperation({ summary: 'Opens a ticket (JSON, or multipart/form-data with up to 5 `attachments`: png, jpeg, pdf, txt, ≤ 10 MB each).' })
  @ApiCreatedResponse({ description: 'The ticket with its first message.' })
  create(@CurrentUser() user: UserPrincipal, @Body() dto: CreateTicketDto, @UploadedFiles() files: UploadedAttachment[] | undefined): Promise<UserTicketView> {
    return this.tickets.createForUser(user.id, dto, files ?? []);
  }

  @Get()
  @Authorize('read', 'Ticket')
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'The caller’s tickets, newest first (at most 200).' })
  list(@CurrentUser() user: UserPrincipal): Promise<UserTicketView[]> {
    return this.tickets.listForUser(user.id);
  }

  @Get(':id')
  @Authorize('read', 'Ticket')
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'The ticket with its public conversation and attachments.' })
  @ApiNotFoundResponse({ description: `TICKET_NOT_FOUND: ${SUPPORT_ERROR_CODES.TICKET_NOT_FOUND}` })
  get(@CurrentUser() user: UserPrincipal, @Param('id', uuid) id: string): Promise<UserTicketView> {
    return this.tickets.getForUser(user.id, id);
  }

  @Post(':id/messages')
  @Authorize('create', 'TicketMessage')
  @ApiBearerAuth()
  @HttpCode(201)
  @AcceptsAttachments()
  @ApiOperation({ summary: 'Adds a message (and attachments); reopens a pending or solved ticket.' })
  @ApiNotFoundResponse({ description: `TICKET_NOT_FOUND: ${SUPPORT_ERROR_CODES.TICKET_NOT_FOUND}` })
  @ApiConflictResponse({ description: `TICKET_CLOSED: ${SUPPORT_ERROR_CODES.TICKET_CLOSED}` })
  message(@CurrentUser() user: UserPrincipal, @Param('id', uuid) id: string, @Body() dto: TicketMessageDto, @UploadedFiles() files: UploadedAttachment[] | undefined): Promise<UserTicketView> {
    return this.tickets.postUserMessage(user.id, id, dto.body, files ?? []);
  }

  @Get(':id/attachments/:attachmentId')
  @Authorize('read', 'Ticket')
  @ApiBearerAuth()
  @ApiOkResponse({ description: 'The file, as an attachment download.' })
  async attachment(
    @CurrentUser() user: UserPrincipal,
    @Param('id', uuid) id: string,
    @Param('attachmentId', uuid) attachmentId: string,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    await this.tickets.sendAttachmentToUser(user.id, id, attachmentId, req, res);
  }
}
