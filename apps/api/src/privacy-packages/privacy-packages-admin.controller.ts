import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { ACCESS_PACKAGE_LIST_RULES, AccessPackageRow, AccessPackageService, AccessPackageStatus } from './access-package.service';

// Build progress of access packages (no personal data: ids, states, counts, sizes); privacy officers.
@ApiTags('console: privacy packages')
@ApiBearerAuth()
@Controller('admin/privacy-packages')
export class PrivacyPackagesAdminController {
  constructor(private readonly packages: AccessPackageService) {}

  @Get()
  @Authorize('read', 'PrivacyRequest')
  @ApiOkResponse({ description: 'With Content-Range: privacy-packages <first>-<last>/<total>. Filters: userId, requestId, state.' })
  list(@Query() query: Record<string, unknown>): Promise<ListPage<AccessPackageRow>> {
    return this.packages.list(parseListQuery(query, ACCESS_PACKAGE_LIST_RULES));
  }

  @Get(':id')
  @Authorize('read', 'PrivacyRequest')
  @ApiOperation({ summary: 'One package: state, progress (categories, bytes), checksum and size once ready.' })
  @ApiOkResponse({ description: 'The package status.' })
  @ApiNotFoundResponse({ description: 'ACCESS_PACKAGE_NOT_FOUND' })
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<AccessPackageStatus & { id: string }> {
    return this.packages.status(id).then((s) => ({ id: s.packageId, ...s }));
  }
}
