import { Injectable, NestMiddleware } from '@nestjs/common';
import { hasGpcSignal } from '@soar2/privacy';
import type { NextFunction, Request, Response } from 'express';

export interface GpcRequest {
  /** True when the request carries a valid Global Privacy Control signal (`Sec-GPC: 1`). */
  gpc?: boolean;
}

/**
 * Reads Global Privacy Control on every request from the raw headers (repeated `Sec-GPC` headers
 * are all looked at; any exact `1` counts) and answers `X-GPC-Honored: 1`. Recording the opt-out
 * for a signed-in user happens in GpcInterceptor, once the auth guard knows who is calling.
 */
@Injectable()
export class GpcMiddleware implements NestMiddleware {
  use(req: Request & GpcRequest, res: Response, next: NextFunction): void {
    req.gpc = hasGpcSignal(req.rawHeaders);
    if (req.gpc) res.setHeader('X-GPC-Honored', '1');
    next();
  }
}
