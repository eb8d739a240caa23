import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListPage } from '../admin-query/list-page';
import { parseListQuery } from '../admin-query/list-query';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentStaff, StaffPrincipal } from '../identity/auth.decorators';
import type { ChainVerification } from './audit-chain';
import { AUDIT_LOG_LIST_RULES } from './audit-log-query';
import { AuditLogEntity } from './audit-log.entity';
import { AUDIT_ERROR_CODES } from './audit.exception';
import { AuditService } from './audit.service';
import { AuditVerificationDto } from './dto/audit-verification.dto';

@ApiTags('console: audit log')
@ApiBearerAuth()
@Controller('admin/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Authorize('read', 'AuditLog')
  @ApiOperation({
    summary: 'List entries (ra-data-simple-rest); filter by actorType, actorId, subjectType, subjectId, action, from, to, id. End users\' sealed addresses are opened, and that read is recorded (audit_log.read_ip).',
  })
  @ApiOkResponse({ type: [AuditLogEntity] })
  list(@Query() query: Record<string, unknown>, @CurrentStaff() staff: StaffPrincipal): Promise<ListPage<AuditLogEntity>> {
    return this.audit.list(parseListQuery(query, AUDIT_LOG_LIST_RULES), { type: 'staff', id: staff.id, role: staff.role });
  }

  // Declared before :id so that "verify" is not taken for an id.
  @Get('verify')
  @Authorize('verify', 'AuditLog')
  @ApiOperation({ summary: 'Recompute the hash chain and name the first broken link; the check is itself recorded.' })
  @ApiOkResponse({ type: AuditVerificationDto })
  verify(@CurrentStaff() staff: StaffPrincipal): Promise<ChainVerification> {
    return this.audit.verify({ type: 'staff', id: staff.id, role: staff.role });
  }

  @Get(':id')
  @Authorize('read', 'AuditLog')
  @ApiOkResponse({ type: AuditLogEntity })
  @ApiNotFoundResponse({ description: `AUDIT_ENTRY_NOT_FOUND: ${AUDIT_ERROR_CODES.AUDIT_ENTRY_NOT_FOUND}` })
  get(@Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string, @CurrentStaff() staff: StaffPrincipal): Promise<AuditLogEntity> {
    return this.audit.get(id, { type: 'staff', id: staff.id, role: staff.role });
  }
}
