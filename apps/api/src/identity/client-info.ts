import { ExecutionContext, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import { MAX_USER_AGENT_LENGTH } from './user-agent';

/** Who is calling, as far as the network tells: for per-IP rate limits and the access log only, never for logs. */
export interface ClientInfo {
  /** The client IP (after TRUST_PROXY), or null when unknown. */
  ip: string | null;
  userAgent: string | null;
}

export function clientInfoOf(req: Request): ClientInfo {
  const ua = req.headers['user-agent'];
  return {
    ip: req.ip ?? req.socket.remoteAddress ?? null,
    userAgent: typeof ua === 'string' && ua.trim() ? ua.slice(0, MAX_USER_AGENT_LENGTH) : null,
  };
}

/** The calling client's IP and user agent. */
export const RequestClient = createParamDecorator((_: unknown, ctx: ExecutionContext): ClientInfo => clientInfoOf(ctx.switchToHttp().getRequest<Request>()));
