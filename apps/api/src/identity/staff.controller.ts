import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import type { AppAbility } from '../authz/ability';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentAbility, CurrentStaff, StaffPrincipal } from './auth.decorators';
import { CreateStaffDto, PasswordLinkSentDto, StaffDto, UpdateStaffDto } from './dto/staff-admin.dto';
import type { PasswordLinkSent } from './staff-password.service';
import type { StaffView } from './staff-view';
import { STAFF_LIST_RULES, StaffService } from './staff.service';

const StaffId = () => new ParseUUIDPipe({ errorHttpStatusCode: 404 });

// There is no DELETE: staff accounts are disabled (status), never deleted, since audit entries name them by id.
@ApiTags('console: staff')
@ApiBearerAuth()
@Controller('admin/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  @Authorize('read', 'Staff')
  @ApiOkResponse({ type: StaffDto, isArray: true, description: 'Filters: role, status, q (email or name), id. With Content-Range: staff <first>-<last>/<total>.' })
  list(@Query() query: Record<string, unknown>, @CurrentAbility() ability: AppAbility): Promise<ListPage<StaffView>> {
    return this.staff.list(parseListQuery(query, STAFF_LIST_RULES), ability);
  }

  @Get(':id')
  @Authorize('read', 'Staff')
  @ApiOkResponse({ type: StaffDto })
  get(@Param('id', StaffId()) id: string, @CurrentAbility() ability: AppAbility): Promise<StaffView> {
    return this.staff.get(id, ability);
  }

  @Post()
  @Authorize('create', 'Staff')
  @ApiCreatedResponse({ type: StaffDto, description: 'The member exists at once, without a password: an emailed single-use link (72 hours) lets them choose it.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: email, displayName or role missing or invalid, or an unknown field.' })
  @ApiConflictResponse({ description: 'STAFF_EMAIL_TAKEN: another staff member has this email.' })
  create(@CurrentStaff() actor: StaffPrincipal, @CurrentAbility() ability: AppAbility, @Body() dto: CreateStaffDto): Promise<StaffView> {
    return this.staff.create(actor, ability, dto);
  }

  @Put(':id')
  @Authorize('update', 'Staff')
  @ApiOkResponse({ type: StaffDto, description: 'Only the fields sent are changed. A role change or disabling signs the member out everywhere.' })
  @ApiForbiddenResponse({ description: 'FIELD_NOT_EDITABLE: a staff member cannot change their own role or status.' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: an invalid value, or a field that cannot be changed here (email, password…).' })
  update(@CurrentStaff() actor: StaffPrincipal, @CurrentAbility() ability: AppAbility, @Param('id', StaffId()) id: string, @Body() dto: UpdateStaffDto): Promise<StaffView> {
    return this.staff.update(actor, ability, id, dto);
  }

  @Post(':id/reset-password')
  @Authorize('update', 'Staff')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: PasswordLinkSentDto, description: 'The password stops working, sessions end, and a single-use link (2 hours) is emailed to the member.' })
  @ApiConflictResponse({ description: 'STAFF_DISABLED: enable the account first.' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such staff member.' })
  resetPassword(@CurrentStaff() actor: StaffPrincipal, @CurrentAbility() ability: AppAbility, @Param('id', StaffId()) id: string): Promise<PasswordLinkSent> {
    return this.staff.resetPassword(actor, ability, id);
  }

  @Post(':id/unlock')
  @Authorize('update', 'Staff')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffDto, description: 'The sign-in lockout is lifted and the failure count cleared.' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such staff member.' })
  unlock(@CurrentStaff() actor: StaffPrincipal, @CurrentAbility() ability: AppAbility, @Param('id', StaffId()) id: string): Promise<StaffView> {
    return this.staff.unlock(actor, ability, id);
  }

  @Post(':id/disable-totp')
  @Authorize('update', 'Staff')
  @HttpCode(200)
  @ApiOkResponse({ type: StaffDto, description: 'Two-step sign-in is off for the member (lost authenticator, changed TOTP_ENCRYPTION_KEY); they are told by email.' })
  @ApiForbiddenResponse({ description: 'FIELD_NOT_EDITABLE: not on your own account (use /admin/auth/totp/disable with your password).' })
  @ApiConflictResponse({ description: 'TOTP_NOT_ENABLED.' })
  disableTotp(@CurrentStaff() actor: StaffPrincipal, @CurrentAbility() ability: AppAbility, @Param('id', StaffId()) id: string): Promise<StaffView> {
    return this.staff.turnOffTotp(actor, ability, id);
  }
}
