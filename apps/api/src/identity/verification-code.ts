// Emailed one-time codes: generation, keyed hashing and the verdict on a submitted code. Pure.
//
// Why HMAC-SHA256 with a server secret and not a plain hash or argon2: a 6-digit code has only
// 10^6 values, so any unkeyed hash (SHA-256, or argon2 with its salt beside it in the row) is
// reversed by trying them all as soon as the table leaks. Keyed with a secret kept outside the
// database (VERIFICATION_CODE_SECRET), the stored hash reveals nothing without the key; online
// guessing is bounded by the attempt limit and the rate limits instead. HMAC is also cheap, which
// lets every request do the same work whether or not a code row exists.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

export const CODE_PURPOSES = ['login', 'email_change'] as const;
export type CodePurpose = (typeof CODE_PURPOSES)[number];

export const CODE_DIGITS = 6;
export const CODE_TTL_SECONDS = 10 * 60;
export const MAX_CODE_ATTEMPTS = 5;
export const CODE_FORMAT = /^\d{6}$/;

/** Six decimal digits from the CSPRNG, uniformly distributed (randomInt rejects biased draws). */
export function generateCode(): string {
  return String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
}

/** What a code is bound to: its own row, what it is for, the address it was sent to and the user asking. */
export interface CodeContext {
  id: string;
  purpose: CodePurpose;
  email: string;
  userId: string | null;
}

/** HMAC-SHA256 of the code bound to its context, so a stored hash is worthless for any other row. */
export function hashCode(key: Buffer, context: CodeContext, code: string): Buffer {
  return createHmac('sha256', key)
    .update(['soar2/verification-code/v1', context.id, context.purpose, context.email, context.userId ?? '', code].join('\0'))
    .digest();
}

export function codeMatches(key: Buffer, context: CodeContext, code: string, stored: Buffer): boolean {
  const candidate = hashCode(key, context, code);
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}

/** The state of the newest code of an address (or user) when a code is submitted. */
export interface CodeState {
  attempts: number;
  expired: boolean;
  used: boolean;
}

export type CodeVerdict = 'accepted' | 'invalid' | 'expired' | 'already_used' | 'attempts_exceeded';

export interface CodeJudgement {
  verdict: CodeVerdict;
  /** Whether this submission counts as a wrong attempt against the code. */
  countAttempt: boolean;
}

/**
 * The verdict on a submitted code against the newest code issued (older ones are superseded).
 * Nothing here depends on whether an account exists: codes are issued for every address asked for.
 * A used code is only called "already used" to someone who submits that very code; anyone else
 * learns only that their code is wrong, so a used code does not reveal that a sign-in happened.
 */
export function judgeCode(state: CodeState | undefined, matches: boolean, maxAttempts = MAX_CODE_ATTEMPTS): CodeJudgement {
  if (!state) return { verdict: 'invalid', countAttempt: false };
  if (state.attempts >= maxAttempts) return { verdict: 'attempts_exceeded', countAttempt: false };
  if (state.used) return matches ? { verdict: 'already_used', countAttempt: false } : wrong(state, maxAttempts);
  if (state.expired) return { verdict: 'expired', countAttempt: false };
  if (!matches) return wrong(state, maxAttempts);
  return { verdict: 'accepted', countAttempt: false };
}

function wrong(state: CodeState, maxAttempts: number): CodeJudgement {
  return { verdict: state.attempts + 1 >= maxAttempts ? 'attempts_exceeded' : 'invalid', countAttempt: true };
}
