import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, totpCode, totpStep } from './totp';

// The shared secret of the RFC 4226 and RFC 6238 test vectors (SHA-1): ASCII "12345678901234567890".
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

describe('TOTP (RFC 6238, HMAC-SHA-1, 30 s, 6 digits)', () => {
  it('computes the RFC 4226 appendix D HOTP values', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_SECRET, counter))).toEqual(expected);
  });

  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('computes the RFC 6238 appendix B SHA-1 value at T=%i (8 digits), and its last 6 digits as the 6-digit code', (seconds, eightDigits) => {
    expect(totpCode(RFC_SECRET, seconds * 1000, 8)).toBe(eightDigits);
    expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(eightDigits.slice(2));
  });

  it('changes code every 30 seconds, on the step boundary', () => {
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(totpCode(RFC_SECRET, 30_000)).not.toBe(totpCode(RFC_SECRET, 29_999));
    expect(totpCode(RFC_SECRET, 59_999)).toBe(totpCode(RFC_SECRET, 30_000));
  });

  it('accepts the current code and those one step either side, naming the step that matched', () => {
    const now = 1_234_567_890_000;
    const step = totpStep(now);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now), now)).toBe(step);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 30_000), now)).toBe(step - 1);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 30_000), now)).toBe(step + 1);
  });

  it('refuses codes two steps away, wrong codes and anything that is not six digits', () => {
    const now = 1_234_567_890_000;
    const code = totpCode(RFC_SECRET, now);
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now - 60_000), now)).toBeNull();
    expect(matchTotp(RFC_SECRET, totpCode(RFC_SECRET, now + 60_000), now)).toBeNull();
    expect(matchTotp(RFC_SECRET, String((Number(code) + 1) % 1_000_000).padStart(6, '0'), now)).toBeNull();
    for (const bad of ['', '12345', '1234567', '12345a', ' 123456', '１２３４５６']) expect(matchTotp(RFC_SECRET, bad, now)).toBeNull();
  });

  it('does not look before the Unix epoch', () => {
    expect(matchTotp(RFC_SECRET, hotp(RFC_SECRET, 0), 0)).toBe(0);
  });
});

describe('base32 (RFC 4648 §10 test vectors, no padding)', () => {
  it.each([
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ])('encodes %j as %j and back', (text, encoded) => {
    expect(base32Encode(Buffer.from(text, 'ascii'))).toBe(encoded);
    expect(base32Decode(encoded)?.toString('ascii')).toBe(text);
  });

  it('decodes what people type: lower case, spaces and padding', () => {
    expect(base32Decode('mzxw 6ytb oi======')?.toString('ascii')).toBe('foobar');
    expect(base32Decode('MZXW1')).toBeUndefined();
  });

  it('round-trips a 160-bit secret in 32 characters', () => {
    const secret = Buffer.from('0123456789abcdef0123', 'ascii');
    expect(base32Encode(secret)).toHaveLength(32);
    expect(base32Decode(base32Encode(secret))?.equals(secret)).toBe(true);
  });
});

describe('otpauth URI', () => {
  it('names issuer and account, and states the algorithm, digits and period', () => {
    const uri = otpauthUri(Buffer.from('foobar', 'ascii'), 'Soar2 Back-Office', 'ada@soar2.test');
    expect(uri).toBe('otpauth://totp/Soar2%20Back-Office:ada%40soar2.test?secret=MZXW6YTBOI&issuer=Soar2%20Back-Office&algorithm=SHA1&digits=6&period=30');
  });
});
