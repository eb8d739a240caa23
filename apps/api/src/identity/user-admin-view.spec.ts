import { abilityFor, abilityFromRules } from '../authz/ability';
import { USER_PRIVACY_FIELDS, USER_SUPPORT_FIELDS } from '../authz/permissions';
import type { AccessLogEntryView } from './access-log.service';
import { USER_ADMIN_FIELDS, USER_FIELD_GROUPS, fieldGroupsOf, projectUser, readableUserFields } from './user-admin-view';
import type { UserEntity } from './user.entity';

const alice: UserEntity = {
  id: '0b7e1d2c-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
  email: 'alice@example.test',
  displayName: 'Alice',
  region: 'FR',
  status: 'active',
  ageConfirmedAt: new Date('2026-01-01T00:00:00Z'),
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};
const entry: AccessLogEntryView = { id: 'e1', event: 'login', ip: '203.0.113.7', deviceType: 'desktop', browser: 'Firefox 127', os: 'Windows 10', createdAt: new Date('2026-02-01T00:00:00Z') };
const extras = { activeSessions: 2, accessLog: [entry] };

const support = abilityFor({ kind: 'staff', id: 'agent', role: 'support_agent' });
const officer = abilityFor({ kind: 'staff', id: 'po', role: 'privacy_officer' });
const admin = abilityFor({ kind: 'staff', id: 'admin', role: 'admin' });

describe('the console’s view of a user', () => {
  it('gives a support agent identity and state only: the privacy fields are absent, not null', () => {
    const view = projectUser(readableUserFields(support, alice), alice, extras);
    expect(Object.keys(view).sort()).toEqual([...USER_SUPPORT_FIELDS].sort());
    for (const field of USER_PRIVACY_FIELDS) expect(field in view).toBe(false);
  });

  it('gives an admin the same fields as a support agent', () => {
    expect(projectUser(readableUserFields(admin, alice), alice, extras)).toEqual(projectUser(readableUserFields(support, alice), alice, extras));
  });

  it('gives a privacy officer every field, the computed ones included', () => {
    const view = projectUser(readableUserFields(officer, alice), alice, extras);
    expect(view).toEqual({ ...alice, activeSessions: 2, accessLog: [entry] });
  });

  it('leaves a readable computed field out when it was not computed (lists)', () => {
    const view = projectUser(readableUserFields(officer, alice), alice);
    expect('accessLog' in view || 'activeSessions' in view).toBe(false);
    expect(view.ageConfirmedAt).toEqual(alice.ageConfirmedAt);
  });

  it('gives a caller without a rule on users nothing', () => {
    expect(readableUserFields(abilityFor({ kind: 'staff', id: 'aud', role: 'auditor' }), alice).size).toBe(0);
    expect(projectUser(new Set(), alice, extras)).toEqual({});
  });

  it('honours rule conditions record by record', () => {
    const own = abilityFromRules([{ action: 'read', subject: 'User', conditions: { id: alice.id }, fields: ['id', 'status'] }]);
    expect(projectUser(readableUserFields(own, alice), alice)).toEqual({ id: alice.id, status: 'active' });
    expect(projectUser(readableUserFields(own, { ...alice, id: 'someone-else' }), alice)).toEqual({});
  });

  it('puts every field in exactly one group, and names the groups a response held', () => {
    const grouped = Object.values(USER_FIELD_GROUPS).flat();
    expect([...grouped].sort()).toEqual([...USER_ADMIN_FIELDS].sort());
    expect(new Set(grouped).size).toBe(grouped.length);
    expect(fieldGroupsOf(projectUser(readableUserFields(support, alice), alice, extras))).toEqual(['profile']);
    expect(fieldGroupsOf(projectUser(readableUserFields(officer, alice), alice, extras))).toEqual(['profile', 'age_confirmation', 'sessions', 'access_log']);
    expect(fieldGroupsOf(projectUser(readableUserFields(officer, alice), alice, { accessLog: [] }))).toEqual(['profile', 'age_confirmation', 'access_log']);
  });
});
