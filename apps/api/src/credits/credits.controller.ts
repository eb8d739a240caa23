import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentUser, UserPrincipal } from '../identity/auth.decorators';
import type { CreditHistoryPage, CreditSummary } from './credits.service';
import { CreditsService } from './credits.service';
import { CreditHistoryDto, CreditHistoryQueryDto, CreditSummaryDto } from './dto/credits.dto';

// The caller's own ledger only: no route takes a user id.
@ApiTags('public: credits')
@ApiBearerAuth()
@Controller('v1/credits')
export class CreditsController {
  constructor(private readonly credits: CreditsService) {}

  @Get()
  @Authorize('read', 'CreditEntry')
  @ApiOkResponse({ type: CreditSummaryDto })
  summary(@CurrentUser() user: UserPrincipal): Promise<CreditSummary> {
    return this.credits.summary(user.id);
  }

  @Get('history')
  @Authorize('read', 'CreditEntry')
  @ApiOkResponse({ type: CreditHistoryDto, description: 'Entries newest first; follow nextCursor with ?before= for older ones.' })
  history(@CurrentUser() user: UserPrincipal, @Query() query: CreditHistoryQueryDto): Promise<CreditHistoryPage> {
    return this.credits.history(user.id, { limit: query.limit, before: query.before });
  }
}
