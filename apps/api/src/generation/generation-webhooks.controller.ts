import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../identity/auth.decorators';
import type { RawBodyRequest } from '../errors/body-parsers';
import { GenerationWebhooksService, WebhookOutcome } from './generation-webhooks.service';

@ApiTags('webhooks')
@Controller('webhooks/video-provider')
export class GenerationWebhooksController {
  constructor(private readonly webhooks: GenerationWebhooksService) {}

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Provider events (video.completed / video.failed …), verified as the openai SDK’s webhooks.unwrap does; the job is refreshed. Duplicates are acknowledged and ignored.' })
  receive(@Req() req: RawBodyRequest, @Headers() headers: Record<string, string>): Promise<WebhookOutcome> {
    return this.webhooks.receive(req.rawBody, headers);
  }
}
