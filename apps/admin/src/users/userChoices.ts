// Account statuses as the API names them (identity/user.entity.ts); labels are i18n keys.
export const USER_STATUSES = ['active', 'restricted', 'suspended', 'terminated', 'pending_deletion', 'deleted'] as const;
export type UserStatus = (typeof USER_STATUSES)[number];

export const USER_STATUS_CHOICES = USER_STATUSES.map((status) => ({ id: status, name: `soar2.user_status.${status}` }));

/** How loudly the console shows a status: everything but an active account is worth noticing. */
export const USER_STATUS_COLORS: Readonly<Record<UserStatus, 'success' | 'warning' | 'error' | 'default'>> = {
  active: 'success',
  restricted: 'warning',
  suspended: 'error',
  terminated: 'default',
  pending_deletion: 'error',
  deleted: 'default',
};

export function isUserStatus(value: unknown): value is UserStatus {
  return typeof value === 'string' && (USER_STATUSES as readonly string[]).includes(value);
}
