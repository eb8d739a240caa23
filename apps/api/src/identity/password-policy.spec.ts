import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from './password-policy';

const EMAIL = 'ada.admin@soar2.test';

describe('staff password policy', () => {
  it('accepts 12 characters or more, of any kind', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH), EMAIL)).toBeUndefined();
    expect(passwordProblem('correct horse battery staple', EMAIL)).toBeUndefined();
    expect(passwordProblem('пароль-пароль', EMAIL)).toBeUndefined();
  });

  it('refuses fewer than 12 characters, counting characters rather than bytes', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MIN_LENGTH - 1), EMAIL)).toBe('The password must be at least 12 characters long.');
    // Six emoji are 24 UTF-8 bytes and 12 UTF-16 units, but six characters.
    expect(passwordProblem('🐱🐱🐱🐱🐱🐱', EMAIL)).toBe('The password must be at least 12 characters long.');
  });

  it('refuses more than the sign-in form accepts', () => {
    expect(passwordProblem('a'.repeat(PASSWORD_MAX_LENGTH), EMAIL)).toBeUndefined();
    expect(passwordProblem('a'.repeat(PASSWORD_MAX_LENGTH + 1), EMAIL)).toBe('The password must be at most 200 characters long.');
  });

  it('refuses the account’s email address, whatever its case or surrounding spaces', () => {
    expect(passwordProblem(EMAIL, EMAIL)).toBe('The password cannot be your email address.');
    expect(passwordProblem(` ${EMAIL.toUpperCase()} `, EMAIL)).toBe('The password cannot be your email address.');
    expect(passwordProblem(`${EMAIL}!`, EMAIL)).toBeUndefined();
  });

  it('refuses a password of spaces only', () => {
    expect(passwordProblem(' '.repeat(20), EMAIL)).toBe('The password cannot be only spaces.');
  });
});
