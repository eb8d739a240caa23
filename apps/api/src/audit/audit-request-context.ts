// Carries the current HTTP request through async calls, so that audit entries get the request id
// and client address without every service having to thread them through its signatures.
import { AsyncLocalStorage } from 'node:async_hooks';
import { isIP } from 'node:net';
import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AuditRequestMetadata } from './audit-entry';

const storage = new AsyncLocalStorage<Request>();
const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;

/** The request id and client address of the request being served, if any. */
export function currentRequestMetadata(): AuditRequestMetadata | undefined {
  const req = storage.getStore();
  if (!req) return undefined;
  // Read lazily: the logger middleware assigns req.id, and it may run after this one. Whatever a
  // client controls is checked here, so that no header can make an audited action fail.
  const id: unknown = req.id;
  const requestId = typeof id === 'string' || typeof id === 'number' ? String(id) : '';
  const ip = (req.ip ?? req.socket?.remoteAddress ?? '').replace(/%.*$/, '');
  return { requestId: REQUEST_ID_RE.test(requestId) ? requestId : null, ip: isIP(ip) ? ip : null };
}

@Injectable()
export class AuditRequestContextMiddleware implements NestMiddleware {
  use(req: Request, _res: Response, next: NextFunction): void {
    storage.run(req, next);
  }
}
