import { SetMetadata, createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { StaffRole } from './staff.entity';

export const PUBLIC_ROUTE = 'soar2:public';
export const STAFF_ROLES_KEY = 'soar2:staff-roles';

/** Marks a route as reachable without credentials (health, docs, login). Everything else is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Restricts a console route to these staff roles (finer rules arrive with CASL). */
export const StaffRoles = (...roles: StaffRole[]): MethodDecorator & ClassDecorator => SetMetadata(STAFF_ROLES_KEY, roles);

export interface StaffPrincipal {
  kind: 'staff';
  id: string;
  email: string;
  role: StaffRole;
  sessionId: string;
}

export interface AuthenticatedRequest {
  principal?: StaffPrincipal;
}

/** The signed-in staff member of the request. */
export const CurrentStaff = createParamDecorator((_: unknown, ctx: ExecutionContext): StaffPrincipal | undefined => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
});
