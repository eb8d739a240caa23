import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthenticatedRequest, PUBLIC_ROUTE, STAFF_ROLES_KEY } from './auth.decorators';
import { ForbiddenRoleException, UnauthenticatedException } from './identity.exception';
import { StaffAuthService } from './staff-auth.service';
import type { StaffRole } from './staff.entity';

/** Global guard: deny by default. Routes are public only when marked @Public(); console routes need a staff token. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly staffAuth: StaffAuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new UnauthenticatedException();
    if (!req.path.startsWith('/admin/')) {
      throw new UnauthenticatedException('This endpoint does not accept staff credentials.');
    }
    const principal = await this.staffAuth.authenticate(match[1]);
    req.principal = principal;
    const roles = this.reflector.getAllAndOverride<StaffRole[] | undefined>(STAFF_ROLES_KEY, targets);
    if (roles && !roles.includes(principal.role)) throw new ForbiddenRoleException();
    return true;
  }
}
