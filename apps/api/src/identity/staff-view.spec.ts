import { abilityFor, abilityFromRules } from '../authz/ability';
import { changedStaffFields, forbiddenStaffField, staffChangeDetails, staffViewFor } from './staff-view';
import type { StaffEntity } from './staff.entity';

const admin = abilityFor({ kind: 'staff', id: 'admin-1', role: 'admin' });
const now = new Date('2026-11-27T12:00:00Z');

function row(overrides: Partial<StaffEntity> = {}): StaffEntity {
  return {
    id: 'agent-1',
    email: 'sam@soar2.test',
    displayName: 'Sam',
    role: 'support_agent',
    status: 'active',
    passwordHash: 'never shown',
    passwordSet: true,
    passwordChangedAt: null,
    totpSecret: Buffer.from('never shown'),
    totpPendingSecret: null,
    totpEnabledAt: new Date('2026-11-01T00:00:00Z'),
    totpLastStep: '123',
    failedLoginCount: 5,
    lockedUntil: new Date('2026-11-27T12:10:00Z'),
    lastLoginAt: null,
    createdAt: new Date('2026-10-01T00:00:00Z'),
    updatedAt: new Date('2026-11-27T11:00:00Z'),
    ...overrides,
  };
}

describe('staff view', () => {
  it('shows an admin the account state, derived flags included, and never a secret', () => {
    const view = staffViewFor(admin, row(), now);
    expect(view).toEqual({
      id: 'agent-1',
      email: 'sam@soar2.test',
      displayName: 'Sam',
      role: 'support_agent',
      status: 'active',
      passwordSet: true,
      totpEnabled: true,
      locked: true,
      lockedUntil: '2026-11-27T12:10:00.000Z',
      failedLoginCount: 5,
      lastLoginAt: null,
      passwordChangedAt: null,
      createdAt: '2026-10-01T00:00:00.000Z',
      updatedAt: '2026-11-27T11:00:00.000Z',
    });
    expect(JSON.stringify(view)).not.toMatch(/never shown|123/);
  });

  it('counts a lock that has run out as unlocked', () => {
    expect(staffViewFor(admin, row({ lockedUntil: new Date('2026-11-27T11:59:59Z') }), now).locked).toBe(false);
    expect(staffViewFor(admin, row({ lockedUntil: null }), now).locked).toBe(false);
  });

  it('leaves out the fields a field rule does not let the caller read', () => {
    const limited = abilityFromRules([{ action: 'read', subject: 'Staff', fields: ['id', 'displayName', 'role'] }]);
    expect(staffViewFor(limited, row(), now)).toEqual({ id: 'agent-1', displayName: 'Sam', role: 'support_agent' });
  });

  it('counts as changed only the fields whose value differs', () => {
    const current = { displayName: 'Sam', role: 'support_agent' as const, status: 'active' as const };
    expect(changedStaffFields(current, { displayName: 'Sam', role: 'auditor', status: 'active' })).toEqual(['role']);
    expect(changedStaffFields(current, {})).toEqual([]);
    expect(staffChangeDetails(current, { role: 'auditor' }, ['role'])).toEqual({ before: { role: 'support_agent' }, after: { role: 'auditor' } });
  });

  it('names the rule that stops an admin changing their own role or status, and allows their own name', () => {
    expect(forbiddenStaffField(admin, { id: 'admin-1' }, ['displayName', 'role'])).toEqual({
      field: 'role',
      reason: 'A staff member cannot change their own role or status.',
    });
    expect(forbiddenStaffField(admin, { id: 'admin-1' }, ['status'])?.field).toBe('status');
    expect(forbiddenStaffField(admin, { id: 'admin-1' }, ['displayName'])).toBeUndefined();
    expect(forbiddenStaffField(admin, { id: 'agent-1' }, ['role', 'status', 'totp'])).toBeUndefined();
  });

  it('refuses every field to a role that may not update staff', () => {
    const support = abilityFor({ kind: 'staff', id: 'agent-1', role: 'support_agent' });
    expect(forbiddenStaffField(support, { id: 'admin-1' }, ['displayName'])).toEqual({ field: 'displayName', reason: undefined });
  });
});
