import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import { errorBody } from '../errors/error-body';
import { DownloadLinkExpiredException, DownloadLinkNotFoundException } from './privacy-packages.exception';

const PAGES = {
  DOWNLOAD_LINK_EXPIRED: {
    title: 'This download link has expired',
    text: 'For your privacy, links to a copy of your personal data work for a limited time, and the copy itself is deleted a few days after it is made. You can ask for a new copy at any time from your account’s privacy settings, or by replying to the email that brought you here.',
  },
  DOWNLOAD_LINK_NOT_FOUND: {
    title: 'This download link is not valid',
    text: 'The link may be mistyped or incomplete. Open it again from the email we sent you; if that does not help, ask for a new copy of your data from your account’s privacy settings.',
  },
} as const;

/** Download links are opened in browsers: an expired or unknown link gets a readable page (JSON for API clients that ask for it). */
@Catch(DownloadLinkExpiredException, DownloadLinkNotFoundException)
export class DownloadPageFilter implements ExceptionFilter {
  catch(exception: DownloadLinkExpiredException | DownloadLinkNotFoundException, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    if (res.headersSent) return;
    res.status(exception.status).setHeader('Cache-Control', 'no-store');
    const accept = req.headers.accept ?? '';
    if (accept.includes('application/json') && !accept.includes('text/html')) {
      res.json(errorBody(exception.status, exception.code, exception.message));
      return;
    }
    const page = PAGES[exception.code as keyof typeof PAGES];
    res.type('html').send(renderPage(page.title, page.text, exception.code));
  }
}

function renderPage(title: string, text: string, code: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${title} · Soar2</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#1a1a2e;line-height:1.5}h1{font-size:1.5rem;color:#3949ab}small{color:#666}</style>
</head><body><h1>${title}</h1><p>${text}</p><p><small>Error code: ${code}</small></p></body></html>
`;
}
