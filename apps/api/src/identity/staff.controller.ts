import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { StaffRoles } from './auth.decorators';
import { StaffEntity } from './staff.entity';
import { STAFF_LIST_RULES, StaffService } from './staff.service';

@ApiTags('console: staff')
@ApiBearerAuth()
@StaffRoles('admin')
@Controller('admin/staff')
export class StaffController {
  constructor(private readonly staff: StaffService) {}

  @Get()
  list(@Query() query: Record<string, unknown>): Promise<ListPage<StaffEntity>> {
    return this.staff.list(parseListQuery(query, STAFF_LIST_RULES));
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<StaffEntity> {
    return this.staff.get(id);
  }
}
