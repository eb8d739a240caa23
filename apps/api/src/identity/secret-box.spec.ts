import { SecretBoxError, deriveKey, open, seal } from './secret-box';

const key = deriveKey('an operator secret of at least 32 characters', 'staff-totp');
const secret = Buffer.from('12345678901234567890', 'ascii');

describe('secret box (AES-256-GCM)', () => {
  it('opens what it sealed, with the same key and context', () => {
    expect(open(key, seal(key, secret, 'staff:1'), 'staff:1').equals(secret)).toBe(true);
  });

  it('never stores the plaintext, and seals the same secret differently each time', () => {
    const a = seal(key, secret, 'staff:1');
    const b = seal(key, secret, 'staff:1');
    expect(a.includes(secret)).toBe(false);
    expect(a.equals(b)).toBe(false);
  });

  it('refuses another context (a value copied to another row), another key, or altered bytes', () => {
    const sealed = seal(key, secret, 'staff:1');
    expect(() => open(key, sealed, 'staff:2')).toThrow(SecretBoxError);
    expect(() => open(deriveKey('another operator secret, also long enough', 'staff-totp'), sealed, 'staff:1')).toThrow(SecretBoxError);
    const altered = Buffer.from(sealed);
    altered[altered.length - 1] = (altered[altered.length - 1] ?? 0) ^ 1;
    expect(() => open(key, altered, 'staff:1')).toThrow(SecretBoxError);
    expect(() => open(key, sealed.subarray(0, 20), 'staff:1')).toThrow('The sealed value is not in a known format.');
  });

  it('derives distinct 256-bit keys per purpose from one operator secret', () => {
    expect(key).toHaveLength(32);
    expect(deriveKey('an operator secret of at least 32 characters', 'other').equals(key)).toBe(false);
  });
});
