import { abilityFor } from '../../api/src/authz/ability';
import { rulesFor } from '../../api/src/authz/permissions';
import { RESOURCE_SUBJECTS, canAccess } from '../src/providers/canAccess';
import { SUBJECTS } from '../../api/src/authz/permissions';

const rules = (role: 'admin' | 'support_agent' | 'privacy_officer' | 'auditor', id = 'me') => rulesFor({ kind: 'staff', id, role });

describe('console canAccess (CASL rules sent at sign-in)', () => {
  it('maps every resource to a subject the API knows', () => {
    for (const subject of Object.values(RESOURCE_SUBJECTS)) expect(SUBJECTS).toContain(subject);
  });

  it('agrees with the API’s ability for every resource and action, for every role', () => {
    for (const role of ['admin', 'support_agent', 'privacy_officer', 'auditor'] as const) {
      const api = abilityFor({ kind: 'staff', id: 'me', role });
      for (const [resource, subject] of Object.entries(RESOURCE_SUBJECTS)) {
        expect(canAccess(rules(role), { action: 'list', resource })).toBe(api.can('read', subject as never));
        expect(canAccess(rules(role), { action: 'edit', resource })).toBe(api.can('update', subject as never));
        expect(canAccess(rules(role), { action: 'delete', resource })).toBe(api.can('delete', subject as never));
      }
    }
  });

  it('hides the staff list from everyone but admins, and applies record conditions', () => {
    expect(canAccess(rules('support_agent'), { action: 'list', resource: 'staff' })).toBe(false);
    expect(canAccess(rules('admin'), { action: 'list', resource: 'staff' })).toBe(true);
    expect(canAccess(rules('admin', 'me'), { action: 'edit', resource: 'staff', record: { id: 'me' } })).toBe(true);
    expect(canAccess(rules('admin', 'me'), { action: 'delete', resource: 'staff', record: { id: 'other' } })).toBe(false);
    expect(canAccess(rules('support_agent'), { action: 'show', resource: 'tickets', record: { category: 'security_report' } })).toBe(false);
  });

  it('offers restriction of processing (update users) to privacy officers only, and the chain check to admins, privacy officers and auditors', () => {
    const user = { id: 'u', status: 'active' };
    expect(canAccess(rules('privacy_officer'), { action: 'update', resource: 'users', record: user })).toBe(true);
    for (const role of ['admin', 'support_agent', 'auditor'] as const) expect(canAccess(rules(role), { action: 'update', resource: 'users', record: user })).toBe(false);
    for (const role of ['admin', 'privacy_officer', 'auditor'] as const) expect(canAccess(rules(role), { action: 'verify', resource: 'audit-log' })).toBe(true);
    expect(canAccess(rules('support_agent'), { action: 'verify', resource: 'audit-log' })).toBe(false);
  });

  it('applies field rules named as resource.field: an admin edits others’ role and status, not their own', () => {
    const admin = rules('admin', 'me');
    for (const field of ['role', 'status']) {
      expect(canAccess(admin, { action: 'edit', resource: `staff.${field}`, record: { id: 'other' } })).toBe(true);
      expect(canAccess(admin, { action: 'edit', resource: `staff.${field}`, record: { id: 'me' } })).toBe(false);
    }
    expect(canAccess(admin, { action: 'edit', resource: 'staff.displayName', record: { id: 'me' } })).toBe(true);
    expect(canAccess(admin, { action: 'edit', resource: 'staff.totp', record: { id: 'me' } })).toBe(false);
    expect(canAccess(admin, { action: 'edit', resource: 'staff.totp', record: { id: 'other' } })).toBe(true);
    expect(canAccess(admin, { action: 'edit', resource: 'staff.', record: { id: 'other' } })).toBe(false);
    expect(canAccess(rules('support_agent'), { action: 'edit', resource: 'staff.displayName', record: { id: 'other' } })).toBe(false);
    expect(canAccess(admin, { action: 'edit', resource: 'secrets.role', record: { id: 'other' } })).toBe(false);
  });

  it('denies without rules and for unknown resources', () => {
    expect(canAccess(undefined, { action: 'list', resource: 'staff' })).toBe(false);
    expect(canAccess(rules('admin'), { action: 'list', resource: 'secrets' })).toBe(false);
  });
});
