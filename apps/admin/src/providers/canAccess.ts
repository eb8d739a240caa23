import type { StaffRole } from './session';

export interface AccessRequest {
  action: string;
  resource: string;
  record?: Record<string, unknown>;
}

// Until the API sends CASL rules at login (identity issue), the console decides by role alone.
// The console only hides; the API enforces every rule.
const RESOURCE_ROLES: Readonly<Record<string, readonly StaffRole[]>> = {
  staff: ['admin'],
};

/** Whether the console should offer `action` on `resource` to a staff member with `role`. */
export function canAccess(role: StaffRole | undefined, { resource }: AccessRequest): boolean {
  if (!role) return false;
  const allowed = RESOURCE_ROLES[resource];
  return allowed === undefined || allowed.includes(role);
}
