import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiGoneResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../identity/auth.decorators';
import { DownloadPageFilter } from './download-page.filter';
import { DownloadsService } from './downloads.service';

// The token in the path is the credential (log lines mask it: see safeLogPath).
@ApiTags('privacy: downloads')
@Controller('v1/downloads')
@UseFilters(DownloadPageFilter)
export class DownloadsController {
  constructor(private readonly downloads: DownloadsService) {}

  @Get(':token')
  @Public()
  @ApiOperation({ summary: 'An access/portability package (zip); supports Range. Every download is audited.' })
  @ApiOkResponse({ description: 'The zip (206 for a byte range).' })
  @ApiNotFoundResponse({ description: 'DOWNLOAD_LINK_NOT_FOUND: unknown token (an HTML page unless JSON is asked for).' })
  @ApiGoneResponse({ description: 'DOWNLOAD_LINK_EXPIRED: the link expired or the package was purged (an HTML page unless JSON is asked for).' })
  download(@Param('token') token: string, @Req() req: Request, @Res() res: Response): Promise<void> {
    return this.downloads.serve(token, req, res);
  }
}
