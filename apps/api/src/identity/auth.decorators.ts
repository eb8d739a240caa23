import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { AppAbility } from '../authz/ability';
import type { StaffRole } from './staff.entity';

export const PUBLIC_ROUTE = 'soar2:public';

/** Marks a route as reachable without credentials (health, docs, login). Everything else is denied by default. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

export interface StaffPrincipal {
  kind: 'staff';
  id: string;
  email: string;
  role: StaffRole;
  sessionId: string;
}

export interface UserPrincipal {
  kind: 'user';
  id: string;
  sessionId: string;
}

export type Principal = StaffPrincipal | UserPrincipal;

/** What the global guard attaches to an authenticated request. */
export interface AuthenticatedRequest {
  principal?: Principal;
  ability?: AppAbility;
}

function principalOf(ctx: ExecutionContext): Principal | undefined {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
}

/** The signed-in staff member of a console request (routes under /admin). */
export const CurrentStaff = createParamDecorator((_: unknown, ctx: ExecutionContext): StaffPrincipal | undefined => {
  const p = principalOf(ctx);
  return p?.kind === 'staff' ? p : undefined;
});

/** The signed-in end user of a public API request (routes under /v1). */
export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): UserPrincipal | undefined => {
  const p = principalOf(ctx);
  return p?.kind === 'user' ? p : undefined;
});

/** The caller's CASL ability, for record checks and SQL-filtered lists in services. */
export const CurrentAbility = createParamDecorator((_: unknown, ctx: ExecutionContext): AppAbility | undefined => {
  return ctx.switchToHttp().getRequest<AuthenticatedRequest>().ability;
});
