import { permittedFieldsOf } from '@casl/ability/extra';
import { AppAbility, record } from '../authz/ability';
import type { UserEntity } from './user.entity';

/** What a user's own profile can show; the caller's ability decides which of these they see. */
export const PROFILE_FIELDS = ['id', 'email', 'displayName', 'region', 'status', 'createdAt'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type UserProfile = Partial<Pick<UserEntity, ProfileField>>;

/** The profile fields the ability lets the caller read, and no others. */
export function profileFor(ability: AppAbility, user: UserEntity): UserProfile {
  const allowed = new Set(permittedFieldsOf(ability, 'read', record('User', user), { fieldsFrom: (rule) => rule.fields ?? [...PROFILE_FIELDS] }));
  const out: UserProfile = {};
  for (const field of PROFILE_FIELDS) if (allowed.has(field)) Object.assign(out, { [field]: user[field] });
  return out;
}

/** The first field of `fields` that the ability does not let the caller update on this user, if any. */
export function firstForbiddenField(ability: AppAbility, user: UserEntity, fields: string[]): string | undefined {
  const subject = record('User', user);
  return fields.find((field) => !ability.can('update', subject, field));
}
