import { SetMetadata } from '@nestjs/common';
import type { Action, SubjectType } from './permissions';

export const AUTHORIZE_KEY = 'soar2:authorize';

export interface AuthorizeRequirement {
  action: Action;
  subject: SubjectType;
}

/**
 * The permission a route needs (first layer: the route guard checks the caller may do `action` on
 * some `subject`; services then check the record and filter lists in SQL). Every route carries
 * either @Authorize or @Public; the permission matrix test fails on a route with neither.
 */
export const Authorize = (action: Action, subject: SubjectType): MethodDecorator & ClassDecorator =>
  SetMetadata(AUTHORIZE_KEY, { action, subject } satisfies AuthorizeRequirement);

export const SIGNED_IN = 'signed-in';

/** For routes about the caller's own session (who am I, sign out): any signed-in principal of the area. */
export const SignedIn = (): MethodDecorator & ClassDecorator => SetMetadata(AUTHORIZE_KEY, SIGNED_IN);
