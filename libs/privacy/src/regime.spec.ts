import { applicableRegimes, regimeForRegion } from './regime';

describe('regimeForRegion', () => {
  it.each([
    ['FR', 'gdpr'],
    ['de', 'gdpr'],
    ['EU', 'gdpr'],
    ['NO', 'gdpr'],
    ['GB', 'gdpr'],
    ['RE', 'gdpr'],
    ['US-CA', 'ccpa'],
    ['us-ca', 'ccpa'],
    ['US-NY', 'other'],
    ['US', 'other'],
    ['CH', 'other'],
    ['JP', 'other'],
    ['', 'other'],
    [null, 'other'],
  ])('%s → %s', (region, regime) => expect(regimeForRegion(region)).toBe(regime));
});

describe('applicableRegimes', () => {
  it('adds the named regulation to the derived one, drops other when something applies', () => {
    expect(applicableRegimes({ region: 'FR', requesterType: 'self' })).toEqual(['gdpr']);
    expect(applicableRegimes({ region: 'US-CA', regulation: 'gdpr', requesterType: 'self' })).toEqual(['gdpr', 'ccpa']);
    expect(applicableRegimes({ region: 'JP', requesterType: 'self' })).toEqual(['other']);
    expect(applicableRegimes({ region: null, regulation: 'ccpa', requesterType: 'authorized_agent' })).toEqual(['ccpa']);
    expect(applicableRegimes({ region: 'US-TX', requesterType: 'parent' })).toEqual(['coppa']);
    expect(applicableRegimes({ region: 'DE', requesterType: 'parent' })).toEqual(['gdpr', 'coppa']);
  });
});
