import { Body, Controller, Delete, Get, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import { MacroDto } from './dto/ticket.dto';
import { MACRO_LIST_RULES, MacroView, MacrosService } from './macros.service';
import { SUPPORT_ERROR_CODES } from './support.exception';

const uuid = new ParseUUIDPipe({ errorHttpStatusCode: 404 });

// Canned replies: admins manage them; agents read them to insert into replies.
@ApiTags('console: ticket macros')
@ApiBearerAuth()
@Controller('admin/ticket-macros')
export class MacrosAdminController {
  constructor(private readonly macros: MacrosService) {}

  @Get()
  @Authorize('read', 'TicketMacro')
  @ApiOkResponse({ description: 'With Content-Range: ticket-macros <first>-<last>/<total>. Filter by id, category (also matches macros for every category), q.' })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<MacroView>> {
    return this.macros.list(parseListQuery(query, MACRO_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'TicketMacro')
  @ApiNotFoundResponse({ description: `MACRO_NOT_FOUND: ${SUPPORT_ERROR_CODES.MACRO_NOT_FOUND}` })
  get(@Param('id', uuid) id: string): Promise<MacroView> {
    return this.macros.get(id);
  }

  @Post()
  @Authorize('create', 'TicketMacro')
  @ApiConflictResponse({ description: `MACRO_TITLE_TAKEN: ${SUPPORT_ERROR_CODES.MACRO_TITLE_TAKEN}` })
  create(@Body() dto: MacroDto, @CurrentStaff() staff: StaffPrincipal): Promise<MacroView> {
    return this.macros.create(dto, staff);
  }

  @Put(':id')
  @Authorize('update', 'TicketMacro')
  @ApiConflictResponse({ description: `MACRO_TITLE_TAKEN: ${SUPPORT_ERROR_CODES.MACRO_TITLE_TAKEN}` })
  update(@Param('id', uuid) id: string, @Body() dto: MacroDto, @CurrentStaff() staff: StaffPrincipal): Promise<MacroView> {
    return this.macros.update(id, dto, staff);
  }

  @Delete(':id')
  @Authorize('delete', 'TicketMacro')
  @ApiOperation({ summary: 'Deletes a canned reply (replies already sent keep their text).' })
  remove(@Param('id', uuid) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<MacroView> {
    return this.macros.remove(id, staff);
  }
}
