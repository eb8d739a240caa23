import { allPurposes, consentReceipt, deriveConsentState, fieldPurpose, hasGpcSignal, purposeField } from './consent';

describe('hasGpcSignal', () => {
  it.each([
    [['Sec-GPC', '1'], true],
    [['sec-gpc', '1'], true],
    [['Sec-GPC', '0'], false],
    [['Sec-GPC', 'true'], false],
    [['Sec-GPC', '1.0'], false],
    [['Sec-GPC', ''], false],
    [['Sec-GPC', '0', 'Sec-GPC', '1'], true],
    [['Sec-GPC', '0, 1'], true],
    [['Sec-GPC', '0', 'Sec-GPC', '0'], false],
    [['X-Sec-GPC', '1'], false],
    [['Host', 'example.test'], false],
  ])('%j → %s', (raw, expected) => {
    expect(hasGpcSignal(raw)).toBe(expected);
  });
});

describe('deriveConsentState', () => {
  const purposes = allPurposes(['marketing_emails', 'analytics']);

  it('defaults: opt-in purposes off, sale/sharing allowed', () => {
    expect(purposes).toEqual(['marketing_emails', 'analytics', 'sale_sharing']);
    const s = deriveConsentState(purposes, []);
    expect(s.marketing_emails).toEqual({ granted: false, recorded: false, source: null, since: null });
    expect(s.sale_sharing?.granted).toBe(true);
  });

  it('the latest entry wins whatever the order given, and unknown purposes are ignored', () => {
    const s = deriveConsentState(purposes, [
      { purpose: 'analytics', granted: false, source: 'user', recordedAt: new Date('2026-03-01') },
      { purpose: 'analytics', granted: true, source: 'admin', recordedAt: new Date('2026-01-01') },
      { purpose: 'telepathy', granted: true, source: 'user', recordedAt: new Date('2026-01-01') },
    ]);
    expect(s.analytics).toMatchObject({ granted: false, source: 'user', recorded: true });
    expect(s).not.toHaveProperty('telepathy');
  });
});

describe('purpose field names', () => {
  it('round-trips snake and camel case', () => {
    expect(purposeField('product_improvement')).toBe('productImprovement');
    expect(fieldPurpose('productImprovement')).toBe('product_improvement');
  });
});

describe('consentReceipt', () => {
  it('maps an opt-out entry to a Kantara v1.1–shaped receipt', () => {
    const r = consentReceipt(
      { id: 'r1', purpose: 'sale_sharing', granted: false, source: 'gpc', recordedAt: new Date('2026-11-27T10:00:00Z'), policyVersion: '1.0', ip: null, userAgent: null, reference: null },
      { userId: 'u1', jurisdiction: 'US-CA' },
      { name: 'Soar2 AI', contact: 'privacy@soar2.test', policyUrl: 'https://soar2.test/v1/policy' },
    );
    expect(r).toMatchObject({ version: 'KI-CR-v1.1.0', jurisdiction: 'US-CA', consentTimestamp: 1795773600, consentReceiptID: 'r1', piiPrincipalId: 'u1', optedOut: true, source: 'gpc' });
    expect(JSON.stringify(r.services)).toContain('"consentType":"OPT-OUT"');
    expect(String(r.collectionMethod)).toMatch(/Global Privacy Control/);
  });
});
