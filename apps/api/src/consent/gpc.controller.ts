import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Public } from '../identity/auth.decorators';

/** The GPC support resource (Global Privacy Control spec, section "Well-known resource"). */
@ApiTags('public: privacy')
@Controller('.well-known')
export class GpcController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get('gpc.json')
  @Public()
  @Header('Content-Type', 'application/json')
  @Header('Cache-Control', 'public, max-age=86400')
  @ApiOkResponse({ description: '{"gpc": true, "lastUpdate": "YYYY-MM-DD"}' })
  get(): { gpc: true; lastUpdate: string } {
    return { gpc: true, lastUpdate: this.config.consent.gpcLastUpdate };
  }
}
