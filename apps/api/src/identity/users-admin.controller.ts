import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import type { AppAbility } from '../authz/ability';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentAbility, CurrentStaff, StaffPrincipal } from './auth.decorators';
import { UserAdminDto, UserStatusChangeDto } from './dto/user-admin.dto';
import { IDENTITY_ERROR_CODES } from './identity.exception';
import type { UserAdminView } from './user-admin-view';
import { USER_LIST_RULES } from './user-list-query';
import { UsersAdminService } from './users-admin.service';

// Fields each role may see are in authz/permissions.ts; a forbidden field is absent from the JSON.
@ApiTags('console: users')
@ApiBearerAuth()
@Controller('admin/users')
export class UsersAdminController {
  constructor(private readonly users: UsersAdminService) {}

  @Get()
  @Authorize('read', 'User')
  @ApiOperation({ summary: 'List users (ra-data-simple-rest); filter by id (one or a list), status (one or a list), region, q (email or name), createdFrom, createdBefore.' })
  @ApiOkResponse({ type: UserAdminDto, isArray: true, description: 'With Content-Range: users <first>-<last>/<total>.' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: sorting or filtering by a field the role cannot see.' })
  list(@Query() query: Record<string, unknown>, @CurrentAbility() ability: AppAbility): Promise<ListPage<UserAdminView>> {
    return this.users.list(parseListQuery(query, USER_LIST_RULES), ability);
  }

  @Get(':id')
  @Authorize('read', 'User')
  @ApiOperation({ summary: 'One user, with the session count and the latest access-log entries for roles that may see them; recorded as user.read.' })
  @ApiOkResponse({ type: UserAdminDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such user.' })
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string, @CurrentAbility() ability: AppAbility, @CurrentStaff() staff: StaffPrincipal): Promise<UserAdminView> {
    return this.users.get(id, ability, staff);
  }

  @Post(':id/restrict')
  @Authorize('update', 'User')
  @HttpCode(200)
  @ApiOperation({ summary: 'Restrict processing (GDPR Art. 18): active → restricted; recorded as user.restrict with the reason.' })
  @ApiOkResponse({ type: UserAdminDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such user.' })
  @ApiConflictResponse({ description: `STATUS_CHANGE_NOT_ALLOWED: ${IDENTITY_ERROR_CODES.STATUS_CHANGE_NOT_ALLOWED}` })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: no reason, or one that is too long or holds an email address.' })
  restrict(
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string,
    @Body() dto: UserStatusChangeDto,
    @CurrentAbility() ability: AppAbility,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<UserAdminView> {
    return this.users.changeStatus(id, 'restrict', dto.reason, ability, staff);
  }

  @Post(':id/unrestrict')
  @Authorize('update', 'User')
  @HttpCode(200)
  @ApiOperation({ summary: 'Lift the restriction: restricted → active; the user is emailed; recorded as user.unrestrict with the reason.' })
  @ApiOkResponse({ type: UserAdminDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: no such user.' })
  @ApiConflictResponse({ description: `STATUS_CHANGE_NOT_ALLOWED: ${IDENTITY_ERROR_CODES.STATUS_CHANGE_NOT_ALLOWED}` })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: no reason, or one that is too long or holds an email address.' })
  unrestrict(
    @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string,
    @Body() dto: UserStatusChangeDto,
    @CurrentAbility() ability: AppAbility,
    @CurrentStaff() staff: StaffPrincipal,
  ): Promise<UserAdminView> {
    return this.users.changeStatus(id, 'unrestrict', dto.reason, ability, staff);
  }
}
