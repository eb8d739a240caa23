import { ISO_COUNTRY_CODES, US_SUBDIVISION_CODES, parseRegion } from './region';

describe('parseRegion', () => {
  it('holds the 249 assigned ISO 3166-1 alpha-2 codes, each naming a real place', () => {
    expect(ISO_COUNTRY_CODES.size).toBe(249);
    const names = new Intl.DisplayNames(['en'], { type: 'region' });
    for (const code of ISO_COUNTRY_CODES) {
      expect(code).toMatch(/^[A-Z]{2}$/);
      expect(names.of(code)).not.toBe(code);
    }
    expect(US_SUBDIVISION_CODES.size).toBe(57);
  });

  it('accepts countries, EU and US states in any case, and stores them in upper case', () => {
    expect(parseRegion('fr')).toEqual({ ok: true, region: 'FR' });
    expect(parseRegion(' US ')).toEqual({ ok: true, region: 'US' });
    expect(parseRegion('eu')).toEqual({ ok: true, region: 'EU' });
    expect(parseRegion('us-ca')).toEqual({ ok: true, region: 'US-CA' });
    expect(parseRegion('US-DC')).toEqual({ ok: true, region: 'US-DC' });
    expect(parseRegion('US-PR')).toEqual({ ok: true, region: 'US-PR' });
  });

  it('refuses unassigned and reserved codes with a sentence saying what is accepted', () => {
    for (const bad of ['XK', 'ZZ', 'QQ', 'AA', 'FRA', '', 'E', '12', 'US_CA', 'EU-FR']) {
      const r = parseRegion(bad);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.message).toMatch(/^The region must be a two-letter country code such as FR or US, EU, or a US state such as US-CA\.$/);
    }
  });

  it('points the United Kingdom to GB, unknown US states and other subdivisions to what is accepted', () => {
    expect(parseRegion('uk')).toEqual({ ok: false, message: 'The region code of the United Kingdom is GB.' });
    expect(parseRegion('US-XX')).toEqual({ ok: false, message: expect.stringMatching(/^"US-XX" is not a US state/) });
    expect(parseRegion('CA-QC')).toEqual({ ok: false, message: 'Regions within CA are not used; give the country code CA alone.' });
  });
});
