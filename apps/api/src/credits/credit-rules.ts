// Pure checks and names of the credit ledger (no I/O): amount validation, idempotency keys, kinds.

export const CREDIT_ENTRY_KINDS = ['grant', 'purchase', 'hold', 'release', 'capture', 'refund', 'adjustment', 'expiry', 'clawback'] as const;
export type CreditEntryKind = (typeof CREDIT_ENTRY_KINDS)[number];

/** The largest amount one entry may carry (the column is a 32-bit integer; balances are 64-bit). */
export const MAX_CREDIT_AMOUNT = 1_000_000_000;
const REFERENCE_TYPE_RE = /^[a-z][a-z0-9_.-]{0,63}$/;

/** Field → message for every problem, or an empty object. */
export type FieldErrors = Record<string, string>;

/** A whole number of credits from 1 to MAX_CREDIT_AMOUNT. */
export function positiveAmountError(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'Must be a whole number of credits.';
  if (value <= 0) return 'Must be greater than zero.';
  if (value > MAX_CREDIT_AMOUNT) return `Must be at most ${MAX_CREDIT_AMOUNT}.`;
  return undefined;
}

/** A non-zero whole number of credits, positive (add) or negative (remove). */
export function signedAmountError(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'Must be a whole number of credits.';
  if (value === 0) return 'Must not be zero.';
  if (Math.abs(value) > MAX_CREDIT_AMOUNT) return `Must be between -${MAX_CREDIT_AMOUNT} and ${MAX_CREDIT_AMOUNT}.`;
  return undefined;
}

export function reasonError(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim().length === 0) return 'A reason is required.';
  if (value.length > 1000) return 'Must be at most 1000 characters.';
  return undefined;
}

/** A reference names what an entry is about: a type (`job`, `stripe.invoice`, `ticket`) and an id. */
export function referenceErrors(type: unknown, id: unknown, required: boolean): FieldErrors {
  const errors: FieldErrors = {};
  if (type === undefined && id === undefined && !required) return errors;
  if (typeof type !== 'string' || !REFERENCE_TYPE_RE.test(type)) errors.referenceType = 'Must be lower-case letters, digits, dots, dashes or underscores, starting with a letter (at most 64).';
  if (typeof id !== 'string' || id.length === 0 || id.length > 200) errors.referenceId = 'Must be a text of 1 to 200 characters.';
  return errors;
}

export function idempotencyKeyError(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length === 0 || value.length > 300) return 'Must be a text of 1 to 300 characters.';
  return undefined;
}

/** `<referenceType>:<referenceId>:<operation>`, the key of holds, captures, releases and refunds. */
export function referenceKey(referenceType: string, referenceId: string, operation: 'hold' | 'capture' | 'release' | 'refund' | 'adjustment'): string {
  return `${referenceType}:${referenceId}:${operation}`;
}

/** A support agent may adjust by at most `limit` credits either way; admins have no per-adjustment limit. */
export function adjustmentNeedsAdmin(amount: number, role: string, limit: number): boolean {
  return role !== 'admin' && Math.abs(amount) > limit;
}
