import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Req, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiConflictResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public } from '../identity/auth.decorators';
import type { UserPrincipal } from '../identity/auth.decorators';
import { CreatePrivacyRequestDto, PrivacyMessageDto, PrivacyRequestCreatedDto, PrivacyRequestViewDto, VerifyPrivacyRequestDto } from './dto/privacy-request.dto';
import { PrivacyRequestsService, RequesterAccess } from './privacy-requests.service';
import { OptionalUserGuard, Requester } from './requester-access';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

/** The public side: anyone may make a request; a bearer token (optional) or the request's access token opens it afterwards. */
@ApiTags('privacy requests')
@ApiBearerAuth()
@ApiHeader({ name: 'X-Privacy-Request-Token', required: false, description: 'The accessToken returned when the request was made without a bearer token.' })
@Controller('v1/privacy-requests')
@Public()
@UseGuards(OptionalUserGuard)
export class PrivacyRequestsController {
  constructor(private readonly requests: PrivacyRequestsService) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Make a privacy request, signed in or not. Without a token an emailed code verifies the requester; the answer is the same whether or not the address has an account.' })
  @ApiAcceptedResponse({ type: PrivacyRequestCreatedDto })
  create(@Body() dto: CreatePrivacyRequestDto, @Requester() access: RequesterAccess): Promise<PrivacyRequestCreatedDto> {
    return this.requests.submit(dto, access.user as UserPrincipal | undefined);
  }

  @Post(':id/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirm with the emailed code (the requester’s, or for an authorized agent the consumer’s).' })
  @ApiOkResponse({ type: PrivacyRequestViewDto })
  @ApiConflictResponse({ description: 'NOTHING_TO_VERIFY, PROOF_REQUIRED' })
  verify(@Param('id', uuid) id: string, @Body() dto: VerifyPrivacyRequestDto): Promise<PrivacyRequestViewDto> {
    return this.requests.verify(id, dto.code);
  }

  @Post(':id/resend')
  @HttpCode(204)
  @ApiOperation({ summary: 'Email a new code (the previous one stops working).' })
  resend(@Param('id', uuid) id: string, @Requester() access: RequesterAccess): Promise<void> {
    return this.requests.resend(id, access);
  }

  @Post(':id/proof')
  @HttpCode(200)
  @ApiOperation({ summary: 'Authorized agent: upload the signed authorization (raw body, application/pdf, image/png or image/jpeg, ≤ 10 MB).' })
  @ApiOkResponse({ type: PrivacyRequestViewDto })
  proof(@Param('id', uuid) id: string, @Requester() access: RequesterAccess, @Req() req: Request): Promise<PrivacyRequestViewDto> {
    return this.requests.uploadProof(id, access, req, req.headers['content-type']);
  }

  @Get(':id')
  @ApiOperation({ summary: 'Status, due date and the timeline visible to the requester. Another person’s request answers 404.' })
  @ApiOkResponse({ type: PrivacyRequestViewDto })
  @ApiNotFoundResponse({ description: 'PRIVACY_REQUEST_NOT_FOUND' })
  get(@Param('id', uuid) id: string, @Requester() access: RequesterAccess): Promise<PrivacyRequestViewDto> {
    return this.requests.get(id, access);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Withdraw the request (while it is not being carried out).' })
  @ApiOkResponse({ type: PrivacyRequestViewDto })
  @ApiConflictResponse({ description: 'ILLEGAL_TRANSITION: already executing or closed.' })
  withdraw(@Param('id', uuid) id: string, @Requester() access: RequesterAccess): Promise<PrivacyRequestViewDto> {
    return this.requests.withdraw(id, access);
  }

  @Post(':id/messages')
  @HttpCode(201)
  @ApiOperation({ summary: 'Write to the privacy team about the request (answers appear in the timeline and by email).' })
  @ApiOkResponse({ type: PrivacyRequestViewDto })
  message(@Param('id', uuid) id: string, @Body() dto: PrivacyMessageDto, @Requester() access: RequesterAccess): Promise<PrivacyRequestViewDto> {
    return this.requests.postMessage(id, access, dto.body);
  }
}
