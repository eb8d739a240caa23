import { abilityFor, record } from './ability';
import { SUBJECTS, USER_PRIVACY_FIELDS, USER_SUPPORT_FIELDS } from './permissions';
import { permittedFieldsOf } from '@casl/ability/extra';

const admin = abilityFor({ kind: 'staff', id: 'admin-1', role: 'admin' });
const support = abilityFor({ kind: 'staff', id: 'agent-1', role: 'support_agent' });
const officer = abilityFor({ kind: 'staff', id: 'po-1', role: 'privacy_officer' });
const auditor = abilityFor({ kind: 'staff', id: 'aud-1', role: 'auditor' });
const alice = abilityFor({ kind: 'user', id: 'alice' });

describe('permissions (PRODUCT.md: who must and must never be able to)', () => {
  it('lets a support agent read a user’s identity and state but not consent history', () => {
    expect(support.can('read', 'User')).toBe(true);
    const fields = permittedFieldsOf(support, 'read', record('User', { id: 'u' }), { fieldsFrom: (rule) => rule.fields ?? ['consents', ...USER_SUPPORT_FIELDS] });
    expect(fields.sort()).toEqual([...USER_SUPPORT_FIELDS].sort());
    expect(support.can('read', record('User', { id: 'u' }), 'consents')).toBe(false);
  });

  it('shows the access log, session count and age attestation of a user to privacy officers only', () => {
    const user = record('User', { id: 'u' });
    const every = { fieldsFrom: (rule: { fields?: string | string[] }) => ([] as string[]).concat(rule.fields ?? [...USER_SUPPORT_FIELDS, ...USER_PRIVACY_FIELDS]) };
    expect(permittedFieldsOf(officer, 'read', user, every).sort()).toEqual([...USER_SUPPORT_FIELDS, ...USER_PRIVACY_FIELDS].sort());
    for (const ability of [support, admin]) {
      expect(permittedFieldsOf(ability, 'read', user, every).sort()).toEqual([...USER_SUPPORT_FIELDS].sort());
      for (const field of USER_PRIVACY_FIELDS) expect(ability.can('read', user, field)).toBe(false);
    }
    expect(auditor.can('read', 'User')).toBe(false);
  });

  it('lets only privacy officers change a user’s status, and no other field of it', () => {
    const user = record('User', { id: 'u' });
    expect(officer.can('update', user, 'status')).toBe(true);
    expect(officer.can('update', user, 'email')).toBe(false);
    for (const ability of [support, admin, auditor]) expect(ability.can('update', user, 'status')).toBe(false);
  });

  it('never lets a support agent read privacy requests, delete accounts, edit the audit log or see security reports', () => {
    expect(support.can('read', 'PrivacyRequest')).toBe(false);
    expect(support.can('delete', 'User')).toBe(false);
    expect(support.can('update', 'AuditLog')).toBe(false);
    expect(support.can('read', record('Ticket', { category: 'security_report' }))).toBe(false);
    expect(support.can('read', record('Ticket', { category: 'billing' }))).toBe(true);
  });

  it('lets a support agent adjust credits only through adjustment entries', () => {
    expect(support.can('create', record('CreditEntry', { kind: 'adjustment' }))).toBe(true);
    expect(support.can('create', record('CreditEntry', { kind: 'grant' }))).toBe(false);
  });

  it('never lets a privacy officer change credits or reply as support', () => {
    expect(officer.can('create', 'CreditEntry')).toBe(false);
    expect(officer.can('reply', 'Ticket')).toBe(false);
    expect(officer.can('create', record('TicketMessage', { kind: 'public_reply' }))).toBe(false);
    expect(officer.can('create', record('TicketMessage', { kind: 'internal_note' }))).toBe(true);
    expect(officer.can('approve', 'PrivacyRequest')).toBe(true);
    expect(officer.can('read', record('Ticket', { category: 'security_report' }))).toBe(true);
  });

  it('lets an auditor read the audit log and reports only', () => {
    const allowed = SUBJECTS.filter((s) => auditor.can('read', s));
    expect(allowed.sort()).toEqual(['AuditLog', 'Report']);
    expect(auditor.can('verify', 'AuditLog')).toBe(true);
  });

  it('lets nobody change or delete audit entries', () => {
    for (const a of [admin, support, officer, auditor, alice]) {
      expect(a.can('update', 'AuditLog')).toBe(false);
      expect(a.can('delete', 'AuditLog')).toBe(false);
    }
  });

  it('lets admins manage staff but not raise or change their own role or status, and lets nobody delete staff', () => {
    expect(admin.can('create', 'Staff')).toBe(true);
    expect(admin.can('update', record('Staff', { id: 'other' }), 'role')).toBe(true);
    expect(admin.can('update', record('Staff', { id: 'other' }), 'status')).toBe(true);
    expect(admin.can('update', record('Staff', { id: 'admin-1' }), 'role')).toBe(false);
    expect(admin.can('update', record('Staff', { id: 'admin-1' }), 'status')).toBe(false);
    expect(admin.can('update', record('Staff', { id: 'admin-1' }), 'displayName')).toBe(true);
    expect(admin.can('update', record('Staff', { id: 'other' }), 'totp')).toBe(true);
    expect(admin.can('update', record('Staff', { id: 'admin-1' }), 'totp')).toBe(false);
    for (const a of [admin, support, officer, auditor, alice]) expect(a.can('delete', 'Staff')).toBe(false);
    expect(support.can('update', 'Staff')).toBe(false);
  });

  it('lets an end user see and change only their own records', () => {
    expect(alice.can('read', record('Generation', { userId: 'alice' }))).toBe(true);
    expect(alice.can('read', record('Generation', { userId: 'bob' }))).toBe(false);
    expect(alice.can('update', record('User', { id: 'alice' }), 'displayName')).toBe(true);
    expect(alice.can('update', record('User', { id: 'alice' }), 'status')).toBe(false);
    expect(alice.can('read', 'Staff')).toBe(false);
    expect(alice.can('read', 'AuditLog')).toBe(false);
  });
});
