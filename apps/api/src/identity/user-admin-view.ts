// What the console shows of a user: the fields each caller may read (field rules in
// authz/permissions.ts), and the field groups a `user.read` audit entry names.
import { permittedFieldsOf } from '@casl/ability/extra';
import { AppAbility, record } from '../authz/ability';
import type { AccessLogEntryView } from './access-log.service';
import type { UserEntity } from './user.entity';

/** Stored fields of a user, shown in lists and in the detail. */
export const USER_RECORD_FIELDS = ['id', 'email', 'displayName', 'region', 'status', 'ageConfirmedAt', 'createdAt', 'updatedAt'] as const;
/** Fields computed for the detail only (they cost a query each, and only when the caller may see them). */
export const USER_DETAIL_FIELDS = ['activeSessions', 'accessLog'] as const;
export const USER_ADMIN_FIELDS = [...USER_RECORD_FIELDS, ...USER_DETAIL_FIELDS] as const;
export type UserAdminField = (typeof USER_ADMIN_FIELDS)[number];

type UserRecordField = (typeof USER_RECORD_FIELDS)[number];

export interface UserDetailExtras {
  activeSessions?: number;
  accessLog?: AccessLogEntryView[];
}

/** A user as one caller may see it: a forbidden field is absent, never null. */
export type UserAdminView = Partial<Pick<UserEntity, UserRecordField>> & UserDetailExtras;

/** Every field belongs to one group; `user.read` entries name the groups a response held. */
export const USER_FIELD_GROUPS: Readonly<Record<string, readonly UserAdminField[]>> = {
  profile: ['id', 'email', 'displayName', 'region', 'status', 'createdAt', 'updatedAt'],
  age_confirmation: ['ageConfirmedAt'],
  sessions: ['activeSessions'],
  access_log: ['accessLog'],
};

/** The fields of this user the ability lets the caller read. */
export function readableUserFields(ability: AppAbility, user: UserEntity): ReadonlySet<UserAdminField> {
  const permitted = permittedFieldsOf(ability, 'read', record('User', user), { fieldsFrom: (rule) => rule.fields ?? [...USER_ADMIN_FIELDS] });
  return new Set(USER_ADMIN_FIELDS.filter((f) => permitted.includes(f)));
}

/**
 * The response for one user: readable stored fields, plus the computed ones given in `extras`
 * (callers compute only those the caller may read; a readable field missing from extras is left out).
 */
export function projectUser(readable: ReadonlySet<UserAdminField>, user: UserEntity, extras: UserDetailExtras = {}): UserAdminView {
  const out: UserAdminView = {};
  for (const field of USER_RECORD_FIELDS) if (readable.has(field)) Object.assign(out, { [field]: user[field] });
  if (readable.has('activeSessions') && extras.activeSessions !== undefined) out.activeSessions = extras.activeSessions;
  if (readable.has('accessLog') && extras.accessLog !== undefined) out.accessLog = extras.accessLog;
  return out;
}

/** The groups that at least one field of `view` belongs to, in the order of USER_FIELD_GROUPS. */
export function fieldGroupsOf(view: UserAdminView): string[] {
  const present = new Set(Object.keys(view));
  return Object.entries(USER_FIELD_GROUPS)
    .filter(([, fields]) => fields.some((f) => present.has(f)))
    .map(([group]) => group);
}
