import { ACCOUNT_STATUSES } from './user.entity';
import { statusChange } from './user-status';

describe('console status changes', () => {
  it('restricts an active account and lifts the restriction of a restricted one', () => {
    expect(statusChange('active', 'restrict')).toEqual({ ok: true, from: 'active', to: 'restricted' });
    expect(statusChange('restricted', 'unrestrict')).toEqual({ ok: true, from: 'restricted', to: 'active' });
  });

  it('says so when the account already has the status the change leads to', () => {
    expect(statusChange('restricted', 'restrict')).toEqual({ ok: false, from: 'restricted', message: 'The account is already restricted.' });
    expect(statusChange('active', 'unrestrict')).toEqual({ ok: false, from: 'active', message: 'The account is already active.' });
  });

  it('refuses every other transition, naming the current status', () => {
    for (const status of ACCOUNT_STATUSES.filter((s) => s !== 'active' && s !== 'restricted')) {
      expect(statusChange(status, 'restrict')).toEqual({ ok: false, from: status, message: `Only an active account can be restricted; this one is ${status}.` });
      expect(statusChange(status, 'unrestrict')).toEqual({
        ok: false,
        from: status,
        message: `Only a restricted account can have its restriction lifted; this one is ${status}.`,
      });
    }
  });
});
