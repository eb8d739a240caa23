// What a staff password must be. Length is what resists guessing (NIST SP 800-63B §5.1.1.2): no
// composition rules, any character allowed, counted as characters (code points), not bytes.

export const PASSWORD_MIN_LENGTH = 12;
/** Matches the sign-in form's limit, so every password that can be set can also be typed at sign-in. */
export const PASSWORD_MAX_LENGTH = 200;

/** Why a new password is refused, as a sentence for the form; undefined when it is acceptable. */
export function passwordProblem(password: string, email: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  if (length > PASSWORD_MAX_LENGTH) return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`;
  if (password.trim() === '') return 'The password cannot be only spaces.';
  if (password.trim().toLowerCase() === email.trim().toLowerCase()) return 'The password cannot be your email address.';
  return undefined;
}
