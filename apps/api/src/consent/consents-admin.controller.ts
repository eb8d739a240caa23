import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import type { ConsentRecordView, ConsentState } from './consent.service';
import { AdminConsentInput, CONSENT_LIST_RULES, ConsentsAdminService } from './consents-admin.service';

@ApiTags('console: consents')
@ApiBearerAuth()
@Controller('admin/consents')
export class ConsentsAdminController {
  constructor(private readonly consents: ConsentsAdminService) {}

  @Get()
  @Authorize('read', 'Consent')
  @ApiOkResponse({ description: 'Ledger entries; with Content-Range. Recorded as consent.list.' })
  list(@Query() query: Record<string, unknown>, @CurrentStaff() staff: StaffPrincipal): Promise<ListPage<ConsentRecordView>> {
    return this.consents.list(parseListQuery(query, CONSENT_LIST_RULES), { type: 'staff', id: staff.id, role: staff.role });
  }

  @Get('state/:userId')
  @Authorize('read', 'Consent')
  @ApiOperation({ summary: 'A user’s current consent per purpose and whether GPC was honoured (and when).' })
  state(@Param('userId', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) userId: string, @CurrentStaff() staff: StaffPrincipal): Promise<ConsentState> {
    return this.consents.state(userId, { type: 'staff', id: staff.id, role: staff.role });
  }

  @Get(':id')
  @Authorize('read', 'Consent')
  @ApiNotFoundResponse({ description: 'CONSENT_RECORD_NOT_FOUND' })
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<ConsentRecordView> {
    return this.consents.get(id, { type: 'staff', id: staff.id, role: staff.role });
  }

  @Post()
  @Authorize('create', 'Consent')
  @ApiOperation({ summary: 'Records a grant or withdrawal received by staff (source admin).' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED or UNKNOWN_CONSENT_PURPOSE.' })
  create(@Body() body: AdminConsentInput, @CurrentStaff() staff: StaffPrincipal): Promise<ConsentRecordView> {
    return this.consents.create(body ?? {}, { type: 'staff', id: staff.id, role: staff.role });
  }
}
