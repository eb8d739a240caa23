import { abilityFor, abilityFromRules } from '../authz/ability';
import { canReadHoldDetails, recordHeldSql } from './legal-hold-visibility';

describe('canReadHoldDetails', () => {
  it.each(['admin', 'support_agent', 'privacy_officer'] as const)('lets a %s (who may read legal holds) see reasons and expiries', (role) => {
    expect(canReadHoldDetails(abilityFor({ kind: 'staff', id: 's1', role }))).toBe(true);
  });

  it('gives roles without a legal-hold rule (auditors, end users) only the facts', () => {
    expect(canReadHoldDetails(abilityFor({ kind: 'staff', id: 's1', role: 'auditor' }))).toBe(false);
    expect(canReadHoldDetails(abilityFor({ kind: 'user', id: 'u1' }))).toBe(false);
  });

  it('follows field rules: reading holds without their reason is not reading the details', () => {
    const ability = abilityFromRules([
      { action: 'read', subject: 'Ticket' },
      { action: 'read', subject: 'LegalHold', fields: ['id', 'scopeType', 'scopeId', 'createdAt', 'expiresAt'] },
    ]);
    expect(canReadHoldDetails(ability)).toBe(false);
  });
});

describe('recordHeldSql', () => {
  it('matches a hold on the user and on the record itself, active only', () => {
    const sql = recordHeldSql({ userColumn: 'j.user_id', jobColumn: 'j.id' });
    expect(sql).toContain(`(lh.scope_type = 'user' AND lh.scope_id = j.user_id)`);
    expect(sql).toContain(`(lh.scope_type = 'job' AND lh.scope_id = j.id)`);
    expect(sql).not.toContain(`'ticket'`);
    expect(sql).toContain('lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())');
  });
});
