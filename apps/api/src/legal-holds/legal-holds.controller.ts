import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { CreateLegalHoldDto, LegalHoldDto, ReleaseLegalHoldDto, UpdateLegalHoldDto } from './dto/legal-hold.dto';
import { LEGAL_HOLD_LIST_RULES, LegalHoldsService } from './legal-holds.service';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });
const actorOf = (staff: StaffPrincipal) => ({ type: 'staff' as const, id: staff.id, role: staff.role });

@ApiTags('console: legal holds')
@ApiBearerAuth()
@Controller('admin/legal-holds')
export class LegalHoldsController {
  constructor(private readonly holds: LegalHoldsService) {}

  @Get()
  @Authorize('read', 'LegalHold')
  @ApiOperation({ summary: 'Holds, filterable by scopeType, scopeId, userId (holds on the user or their tickets and jobs) and active.' })
  @ApiOkResponse({ type: LegalHoldDto, isArray: true })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<LegalHoldDto>> {
    return this.holds.list(parseListQuery(query, LEGAL_HOLD_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'LegalHold')
  @ApiOkResponse({ type: LegalHoldDto })
  @ApiNotFoundResponse({ description: 'LEGAL_HOLD_NOT_FOUND' })
  get(@Param('id', uuid) id: string): Promise<LegalHoldDto> {
    return this.holds.get(id);
  }

  @Post()
  @Authorize('create', 'LegalHold')
  @ApiOperation({ summary: 'Place a hold on a user, ticket or job: every deletion in its scope stops until it is released or expires. Audited.' })
  @ApiOkResponse({ type: LegalHoldDto })
  create(@Body() dto: CreateLegalHoldDto, @CurrentStaff() staff: StaffPrincipal): Promise<LegalHoldDto> {
    return this.holds.create(dto, actorOf(staff));
  }

  @Put(':id')
  @Authorize('update', 'LegalHold')
  @ApiOperation({ summary: 'Extend, shorten or reword an active hold; audited with before and after.' })
  @ApiOkResponse({ type: LegalHoldDto })
  @ApiConflictResponse({ description: 'LEGAL_HOLD_RELEASED' })
  update(@Param('id', uuid) id: string, @Body() dto: UpdateLegalHoldDto, @CurrentStaff() staff: StaffPrincipal): Promise<LegalHoldDto> {
    return this.holds.update(id, dto, actorOf(staff));
  }

  @Post(':id/release')
  @Authorize('release', 'LegalHold')
  @HttpCode(200)
  @ApiOperation({ summary: 'Release the hold with a reason; deletions in its scope may run again. Audited.' })
  @ApiOkResponse({ type: LegalHoldDto })
  @ApiConflictResponse({ description: 'LEGAL_HOLD_RELEASED' })
  release(@Param('id', uuid) id: string, @Body() dto: ReleaseLegalHoldDto, @CurrentStaff() staff: StaffPrincipal): Promise<LegalHoldDto> {
    return this.holds.release(id, dto, actorOf(staff));
  }
}
