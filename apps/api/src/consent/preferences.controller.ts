import { Body, Controller, Get, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authorize } from '../authz/authorize.decorator';
import { CurrentUser, UserPrincipal } from '../identity/auth.decorators';
import { ClientInfo, RequestClient } from '../identity/client-info';
import { Preferences, PreferencesService } from './preferences.service';

@ApiTags('public: profile')
@ApiBearerAuth()
@Controller('v1/me/preferences')
export class PreferencesController {
  constructor(private readonly preferences: PreferencesService) {}

  @Get()
  @Authorize('read', 'Consent')
  @ApiOkResponse({ description: '{marketingEmails, analytics, productImprovement, doNotSellOrShare, gpcHonouredAt}' })
  get(@CurrentUser() user: UserPrincipal): Promise<Preferences> {
    return this.preferences.get(user.id);
  }

  @Put()
  @Authorize('update', 'Consent')
  @ApiOkResponse({ description: 'The preferences after the change; each change is a new consent-ledger entry (source user).' })
  @ApiUnprocessableEntityResponse({ description: 'VALIDATION_FAILED: an unknown preference or a value that is not true/false.' })
  update(@CurrentUser() user: UserPrincipal, @Body() body: unknown, @RequestClient() client: ClientInfo): Promise<Preferences> {
    return this.preferences.update(user.id, body, client);
  }
}
