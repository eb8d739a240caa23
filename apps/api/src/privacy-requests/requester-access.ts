import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthenticatedRequest } from '../identity/auth.decorators';
import { clientInfoOf } from '../identity/client-info';
import { USER_TOKEN_PREFIX } from '../identity/session-token';
import { UserAuthService } from '../identity/user-auth.service';
import type { RequesterAccess } from './privacy-requests.service';

export const REQUEST_TOKEN_HEADER = 'x-privacy-request-token';

/**
 * Privacy-request routes are public (anyone may make a request), but a bearer token, when sent,
 * must be valid and makes the caller the signed-in user. Runs after the global guard.
 */
@Injectable()
export class OptionalUserGuard implements CanActivate {
  constructor(private readonly userAuth: UserAuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    // Only end-user tokens mean anything here; any other bearer (a console token) is ignored, as on every public route.
    if (token?.startsWith(USER_TOKEN_PREFIX)) req.principal = await this.userAuth.authenticate(token, new Date(), clientInfoOf(req));
    return true;
  }
}

/** The signed-in user (if any) and the request's access token (X-Privacy-Request-Token, if any). */
export const Requester = createParamDecorator((_: unknown, ctx: ExecutionContext): RequesterAccess => {
  const req = ctx.switchToHttp().getRequest<Request & AuthenticatedRequest>();
  const header = req.headers[REQUEST_TOKEN_HEADER];
  const token = typeof header === 'string' && header.length > 0 && header.length < 200 ? header : undefined;
  return { user: req.principal?.kind === 'user' ? req.principal : undefined, token };
});
