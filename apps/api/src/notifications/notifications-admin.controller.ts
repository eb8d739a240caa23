import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { NotificationDetailDto, NotificationSummaryDto } from './dto/notification-admin.dto';
import { NOTIFICATION_LIST_RULES, NotificationsService } from './notifications.service';

// Messages hold addresses and bodies: readable by the roles the rules allow (authz/permissions.ts).
@ApiTags('console: notifications')
@ApiBearerAuth()
@Controller('admin/notifications')
export class NotificationsAdminController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Authorize('read', 'Notification')
  @ApiOkResponse({ type: NotificationSummaryDto, isArray: true, description: 'With Content-Range: notifications <first>-<last>/<total>.' })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<NotificationSummaryDto>> {
    return this.notifications.list(parseListQuery(query, NOTIFICATION_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'Notification')
  @ApiOperation({ summary: 'One message with its recipient and body; recorded as notification.read.' })
  @ApiOkResponse({ type: NotificationDetailDto })
  @ApiNotFoundResponse({ description: 'NOTIFICATION_NOT_FOUND: no such notification.' })
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<NotificationDetailDto> {
    return this.notifications.get(id, { type: 'staff', id: staff.id, role: staff.role });
  }

  @Post(':id/retry')
  @Authorize('retry', 'Notification')
  @HttpCode(200)
  @ApiOkResponse({ type: NotificationDetailDto, description: 'The notification, queued again with a fresh set of attempts.' })
  @ApiNotFoundResponse({ description: 'NOTIFICATION_NOT_FOUND: no such notification.' })
  @ApiConflictResponse({ description: 'NOTIFICATION_NOT_RETRYABLE: only a failed notification can be retried.' })
  retry(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<NotificationDetailDto> {
    return this.notifications.retry(id, { type: 'staff', id: staff.id, role: staff.role });
  }
}
