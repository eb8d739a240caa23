// How a staff record is shown to the console, and which of its fields a change touches; the
// caller's CASL ability decides what they see and what they may change.
import { permittedFieldsOf } from '@casl/ability/extra';
import { AppAbility, record } from '../authz/ability';
import type { StaffEntity, StaffRole, StaffStatus } from './staff.entity';

export interface StaffView {
  id?: string;
  email?: string;
  displayName?: string;
  role?: StaffRole;
  status?: StaffStatus;
  /** False while an invited member has not chosen a password yet, and after an admin reset. */
  passwordSet?: boolean;
  totpEnabled?: boolean;
  /** Sign-in refused until `lockedUntil` after repeated failures. */
  locked?: boolean;
  lockedUntil?: string | null;
  failedLoginCount?: number;
  lastLoginAt?: string | null;
  passwordChangedAt?: string | null;
  createdAt?: string;
  updatedAt?: string;
}

export const STAFF_VIEW_FIELDS = [
  'id',
  'email',
  'displayName',
  'role',
  'status',
  'passwordSet',
  'totpEnabled',
  'locked',
  'lockedUntil',
  'failedLoginCount',
  'lastLoginAt',
  'passwordChangedAt',
  'createdAt',
  'updatedAt',
] as const satisfies ReadonlyArray<keyof StaffView>;

/** Fields an admin changes with PUT /admin/staff/:id. */
export const STAFF_EDITABLE_FIELDS = ['displayName', 'role', 'status'] as const;
export type StaffEditableField = (typeof STAFF_EDITABLE_FIELDS)[number];
export type StaffChanges = Partial<Pick<StaffEntity, StaffEditableField>>;

type StaffRow = Pick<
  StaffEntity,
  'id' | 'email' | 'displayName' | 'role' | 'status' | 'passwordSet' | 'totpEnabledAt' | 'lockedUntil' | 'failedLoginCount' | 'lastLoginAt' | 'passwordChangedAt' | 'createdAt' | 'updatedAt'
>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** The fields of a staff record the ability lets the caller read; forbidden fields are absent. */
export function staffViewFor(ability: AppAbility, row: StaffRow, now: Date = new Date()): StaffView {
  const full: Required<StaffView> = {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role,
    status: row.status,
    passwordSet: row.passwordSet,
    totpEnabled: row.totpEnabledAt !== null,
    locked: row.lockedUntil !== null && row.lockedUntil > now,
    lockedUntil: iso(row.lockedUntil),
    failedLoginCount: row.failedLoginCount,
    lastLoginAt: iso(row.lastLoginAt),
    passwordChangedAt: iso(row.passwordChangedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
  const allowed = new Set(permittedFieldsOf(ability, 'read', record('Staff', row), { fieldsFrom: (rule) => rule.fields ?? [...STAFF_VIEW_FIELDS] }));
  const out: StaffView = {};
  for (const field of STAFF_VIEW_FIELDS) if (allowed.has(field)) Object.assign(out, { [field]: full[field] });
  return out;
}

/** The editable fields whose requested value differs from the record's: sending a value unchanged is not a change. */
export function changedStaffFields(current: Pick<StaffEntity, StaffEditableField>, requested: StaffChanges): StaffEditableField[] {
  return STAFF_EDITABLE_FIELDS.filter((field) => requested[field] !== undefined && requested[field] !== current[field]);
}

/**
 * The first field the ability does not let the caller update on this record, with the sentence of
 * the rule that forbids it (e.g. "A staff member cannot change their own role or status.").
 */
export function forbiddenStaffField(ability: AppAbility, row: Pick<StaffEntity, 'id'>, fields: readonly string[]): { field: string; reason: string | undefined } | undefined {
  const subject = record('Staff', { ...row });
  const field = fields.find((f) => !ability.can('update', subject, f));
  if (field === undefined) return undefined;
  return { field, reason: ability.relevantRuleFor('update', subject, field)?.reason };
}

/** Before/after of the changed fields, for the audit entry. */
export function staffChangeDetails(current: StaffChanges, requested: StaffChanges, fields: readonly StaffEditableField[]): { before: StaffChanges; after: StaffChanges } {
  const before: StaffChanges = {};
  const after: StaffChanges = {};
  for (const field of fields) {
    Object.assign(before, { [field]: current[field] });
    Object.assign(after, { [field]: requested[field] });
  }
  return { before, after };
}
