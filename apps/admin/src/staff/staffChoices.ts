import { STAFF_ROLES } from '../providers/session';

/** Choice labels are i18n keys; react-admin translates them. */
export const STAFF_ROLE_CHOICES = STAFF_ROLES.map((role) => ({ id: role, name: `soar2.roles.${role}` }));

export const STAFF_STATUS_CHOICES = [
  { id: 'active', name: 'soar2.staff.statuses.active' },
  { id: 'disabled', name: 'soar2.staff.statuses.disabled' },
];
