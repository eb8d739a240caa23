import { abilityFor } from '../authz/ability';
import { firstForbiddenField, profileFor } from './user-profile';
import type { UserEntity } from './user.entity';

const alice: UserEntity = {
  id: 'alice',
  email: 'alice@example.test',
  displayName: 'Alice',
  region: 'FR',
  status: 'active',
  ageConfirmedAt: new Date('2026-01-01T00:00:00Z'),
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
};

describe('own profile rules', () => {
  const self = abilityFor({ kind: 'user', id: 'alice' });
  const other = abilityFor({ kind: 'user', id: 'mallory' });

  it('shows a user their own profile fields and nothing else of the record', () => {
    expect(profileFor(self, alice)).toEqual({ id: 'alice', email: 'alice@example.test', displayName: 'Alice', region: 'FR', status: 'active', createdAt: alice.createdAt });
  });

  it('shows another user nothing of the record', () => {
    expect(profileFor(other, alice)).toEqual({});
  });

  it('lets a user change their display name and region only', () => {
    expect(firstForbiddenField(self, alice, ['displayName', 'region'])).toBeUndefined();
    expect(firstForbiddenField(self, alice, ['displayName', 'status'])).toBe('status');
    expect(firstForbiddenField(self, alice, ['email'])).toBe('email');
  });

  it('lets no user change another user’s profile', () => {
    expect(firstForbiddenField(other, alice, ['displayName'])).toBe('displayName');
  });

  it('lets a privacy officer change the status but not the profile fields', () => {
    const officer = abilityFor({ kind: 'staff', id: 'po', role: 'privacy_officer' });
    expect(firstForbiddenField(officer, alice, ['status'])).toBeUndefined();
    expect(firstForbiddenField(officer, alice, ['displayName'])).toBe('displayName');
  });
});
