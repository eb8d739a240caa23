import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { StaffEntity } from './staff.entity';
import { STAFF_LIST_RULES, StaffService } from './staff.service';

@ApiTags('console: staff')
@ApiBearerAuth()
@Controller('admin/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  @Authorize('read', 'Staff')
  list(@Query() query: Record<string, unknown>): Promise<ListPage<StaffEntity>> {
    return this.staff.list(parseListQuery(query, STAFF_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'Staff')
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<StaffEntity> {
    return this.staff.get(id);
  }
}
