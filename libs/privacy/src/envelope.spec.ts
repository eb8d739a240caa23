import { EnvelopeError, generateDataKey, keyedHash, openWithDataKey, parseMasterKeyring, sealWithDataKey, unwrapDataKey, wrapDataKey, wrappedKeyId } from './envelope';

const SECRET_A = 'a'.repeat(40);
const SECRET_B = 'b'.repeat(40);

describe('parseMasterKeyring', () => {
  it('takes the first key as current and keeps the others for unwrapping', () => {
    const ring = parseMasterKeyring(`k2:${SECRET_B}, k1:${SECRET_A}`);
    expect(ring.current.id).toBe('k2');
    expect([...ring.byId.keys()]).toEqual(['k2', 'k1']);
    expect(ring.current.key).toHaveLength(32);
  });

  it.each([
    ['', /No master key/],
    ['k1', /id:secret/],
    [`k1:short`, /shorter than 32/],
    [`bad id:${SECRET_A}`, /letters, digits/],
    [`k1:${SECRET_A},k1:${SECRET_B}`, /twice/],
  ])('refuses %j', (value, message) => {
    expect(() => parseMasterKeyring(value)).toThrow(message);
  });
});

describe('data keys', () => {
  const ring = parseMasterKeyring(`k1:${SECRET_A}`);

  it('wraps and unwraps a data key for its owner only', () => {
    const key = generateDataKey();
    const wrapped = wrapDataKey(ring, key, 'user-1');
    expect(wrappedKeyId(wrapped)).toBe('k1');
    expect(unwrapDataKey(ring, wrapped, 'user-1').equals(key)).toBe(true);
    expect(() => unwrapDataKey(ring, wrapped, 'user-2')).toThrow(EnvelopeError);
  });

  it('unwraps keys wrapped by an older master key after rotation', () => {
    const key = generateDataKey();
    const wrapped = wrapDataKey(ring, key, 'u');
    const rotated = parseMasterKeyring(`k2:${SECRET_B},k1:${SECRET_A}`);
    expect(unwrapDataKey(rotated, wrapped, 'u').equals(key)).toBe(true);
    const rewrapped = wrapDataKey(rotated, key, 'u');
    expect(wrappedKeyId(rewrapped)).toBe('k2');
  });

  it('names a master key missing from the keyring', () => {
    const wrapped = wrapDataKey(ring, generateDataKey(), 'u');
    expect(() => unwrapDataKey(parseMasterKeyring(`k9:${SECRET_B}`), wrapped, 'u')).toThrow(/"k1", which is not in the keyring/);
  });

  it('refuses a tampered wrapped key', () => {
    const wrapped = wrapDataKey(ring, generateDataKey(), 'u');
    wrapped[wrapped.length - 1] ^= 1;
    expect(() => unwrapDataKey(ring, wrapped, 'u')).toThrow(EnvelopeError);
  });
});

describe('sealed values', () => {
  it('round-trips text bound to its context', () => {
    const key = generateDataKey();
    const sealed = sealWithDataKey(key, 'a cat surfing at dawn', 'prompt:job-1');
    expect(sealed.includes(Buffer.from('cat'))).toBe(false);
    expect(openWithDataKey(key, sealed, 'prompt:job-1').toString('utf8')).toBe('a cat surfing at dawn');
    expect(() => openWithDataKey(key, sealed, 'prompt:job-2')).toThrow(EnvelopeError);
    expect(() => openWithDataKey(generateDataKey(), sealed, 'prompt:job-1')).toThrow(EnvelopeError);
  });

  it('seals the same text differently each time (random nonce)', () => {
    const key = generateDataKey();
    expect(sealWithDataKey(key, 'x', 'c').equals(sealWithDataKey(key, 'x', 'c'))).toBe(false);
  });

  it('refuses bytes that are not a sealed value', () => {
    expect(() => openWithDataKey(generateDataKey(), Buffer.from('plain'), 'c')).toThrow(/not in a known format/);
  });
});

describe('keyedHash', () => {
  it('is stable for one key and differs across keys', () => {
    const k1 = Buffer.alloc(32, 1);
    const k2 = Buffer.alloc(32, 2);
    expect(keyedHash(k1, 'ada@example.com')).toBe(keyedHash(k1, 'ada@example.com'));
    expect(keyedHash(k1, 'ada@example.com')).not.toBe(keyedHash(k2, 'ada@example.com'));
    expect(keyedHash(k1, 'ada@example.com')).toMatch(/^[0-9a-f]{64}$/);
  });
});
