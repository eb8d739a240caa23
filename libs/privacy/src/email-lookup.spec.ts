import { createHash } from 'node:crypto';
import { EMAIL_LOOKUP_BYTES, emailLookupHash, normaliseEmail } from './email-lookup';

const key = Buffer.alloc(32, 7);

describe('emailLookupHash', () => {
  it('gives the same 32 bytes for an address whatever its case and surrounding spaces', () => {
    const a = emailLookupHash(key, ' Ada@Example.COM ');
    expect(a).toHaveLength(EMAIL_LOOKUP_BYTES);
    expect(a.equals(emailLookupHash(key, 'ada@example.com'))).toBe(true);
    expect(normaliseEmail(' Ada@Example.COM ')).toBe('ada@example.com');
  });

  it('differs between addresses and between keys, and is not the plain SHA-256 of the address', () => {
    const a = emailLookupHash(key, 'ada@example.com');
    expect(a.equals(emailLookupHash(key, 'bob@example.com'))).toBe(false);
    expect(a.equals(emailLookupHash(Buffer.alloc(32, 8), 'ada@example.com'))).toBe(false);
    expect(a.equals(createHash('sha256').update('ada@example.com').digest())).toBe(false);
  });

  it('refuses a key shorter than 32 bytes', () => {
    expect(() => emailLookupHash(Buffer.alloc(16), 'ada@example.com')).toThrow(RangeError);
  });
});
