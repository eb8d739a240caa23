import { Controller, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../identity/auth.decorators';
import { ClientInfo, RequestClient } from '../identity/client-info';
import { UnsubscribeOutcome, UnsubscribeService } from './unsubscribe.service';

/** RFC 8058 one-click unsubscribe; needs no sign-in: the signed link is the credential. */
@ApiTags('public: privacy')
@Controller('v1/unsubscribe')
export class UnsubscribeController {
  constructor(private readonly unsubscribe: UnsubscribeService) {}

  @Post(':token')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'One-click unsubscribe (mail clients POST `List-Unsubscribe=One-Click`); idempotent.' })
  @ApiOkResponse({ description: '{status: "unsubscribed" | "already_unsubscribed", purpose}' })
  @ApiBadRequestResponse({ description: 'UNSUBSCRIBE_TOKEN_INVALID: a malformed or forged link.' })
  post(@Param('token') token: string, @RequestClient() client: ClientInfo): Promise<UnsubscribeOutcome> {
    return this.unsubscribe.unsubscribe(token, client);
  }

  /** A link opened in a browser (or prefetched by a scanner) changes nothing: it shows a button that POSTs. */
  @Get(':token')
  @Public()
  @Header('Content-Type', 'text/html; charset=utf-8')
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ description: 'A page with a one-click unsubscribe button (RFC 8058: GET must not unsubscribe).' })
  @ApiBadRequestResponse({ description: 'UNSUBSCRIBE_TOKEN_INVALID: a malformed or forged link.' })
  page(@Param('token') token: string): string {
    this.unsubscribe.check(token);
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Unsubscribe</title></head><body>
<h1>Unsubscribe from Soar2 AI marketing emails</h1>
<p>You will still receive messages about your account, security and changes to our policy.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>
</body></html>`;
  }
}
