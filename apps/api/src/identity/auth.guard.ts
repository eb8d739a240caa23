import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { abilityFor } from '../authz/ability';
import { AUTHORIZE_KEY, AuthorizeRequirement, SIGNED_IN } from '../authz/authorize.decorator';
import { AuthenticatedRequest, PUBLIC_ROUTE, Principal } from './auth.decorators';
import { clientInfoOf } from './client-info';
import { ForbiddenActionException, RouteNotAuthorizedException, UnauthenticatedException } from './identity.exception';
import { StaffAuthService } from './staff-auth.service';
import { UserAuthService } from './user-auth.service';

/**
 * Global guard, first of the three authorization layers. Deny by default: a route is reachable
 * only when marked @Public() or @Authorize(action, subject); console routes (/admin) take staff
 * tokens, public API routes (/v1) take end-user tokens. It attaches the caller's principal and CASL
 * ability for the record checks and SQL-filtered lists that services do.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly staffAuth: StaffAuthService,
    private readonly userAuth: UserAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) throw new UnauthenticatedException();
    const principal = await this.authenticate(req, token);
    const ability = abilityFor(principal.kind === 'staff' ? { kind: 'staff', id: principal.id, role: principal.role } : { kind: 'user', id: principal.id });
    req.principal = principal;
    req.ability = ability;
    const requirement = this.reflector.getAllAndOverride<AuthorizeRequirement | typeof SIGNED_IN | undefined>(AUTHORIZE_KEY, targets);
    if (!requirement) throw new RouteNotAuthorizedException();
    if (requirement === SIGNED_IN) return true;
    if (!ability.can(requirement.action, requirement.subject)) throw new ForbiddenActionException();
    return true;
  }

  private authenticate(req: Request, token: string): Promise<Principal> {
    if (req.path.startsWith('/admin/')) return this.staffAuth.authenticate(token);
    if (req.path.startsWith('/v1/')) return this.userAuth.authenticate(token, new Date(), clientInfoOf(req));
    return Promise.reject(new UnauthenticatedException('This endpoint does not take bearer tokens.'));
  }
}
