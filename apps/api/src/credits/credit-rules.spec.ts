import { adjustmentNeedsAdmin, idempotencyKeyError, positiveAmountError, reasonError, referenceErrors, referenceKey, signedAmountError } from './credit-rules';

describe('credit rules', () => {
  it('accepts only whole, positive amounts up to the maximum', () => {
    expect(positiveAmountError(1)).toBeUndefined();
    expect(positiveAmountError(1_000_000_000)).toBeUndefined();
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', null, 1_000_000_001]) expect(positiveAmountError(bad)).toEqual(expect.any(String));
  });

  it('accepts signed, non-zero whole adjustments', () => {
    expect(signedAmountError(-5)).toBeUndefined();
    expect(signedAmountError(5)).toBeUndefined();
    for (const bad of [0, 0.5, -0.5, '1', -1_000_000_001]) expect(signedAmountError(bad)).toEqual(expect.any(String));
  });

  it('requires a reason that is not blank', () => {
    expect(reasonError('Goodwill')).toBeUndefined();
    expect(reasonError('   ')).toBe('A reason is required.');
    expect(reasonError(undefined)).toBe('A reason is required.');
    expect(reasonError('x'.repeat(1001))).toEqual(expect.any(String));
  });

  it('checks references only when required or given, and builds keys from them', () => {
    expect(referenceErrors(undefined, undefined, false)).toEqual({});
    expect(referenceErrors(undefined, undefined, true)).toEqual({ referenceType: expect.any(String), referenceId: expect.any(String) });
    expect(referenceErrors('Job', 'x', true)).toEqual({ referenceType: expect.any(String) });
    expect(referenceErrors('stripe.invoice', 'in_1', true)).toEqual({});
    expect(referenceKey('job', 'abc', 'hold')).toBe('job:abc:hold');
    expect(idempotencyKeyError('')).toEqual(expect.any(String));
  });

  it('sends adjustments above the limit to an admin', () => {
    expect(adjustmentNeedsAdmin(100, 'support_agent', 100)).toBe(false);
    expect(adjustmentNeedsAdmin(-101, 'support_agent', 100)).toBe(true);
    expect(adjustmentNeedsAdmin(1_000_000, 'admin', 100)).toBe(false);
  });
});
