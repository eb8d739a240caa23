import { isIpv6, maskEmail, redactText } from './redaction';

describe('redactText', () => {
  it('masks email addresses keeping only a hint', () => {
    expect(redactText('sent code to jane.doe+x@example.co.uk today')).toBe('sent code to j***@***.uk today');
  });

  it('removes IPv4 and IPv6 addresses but leaves clock times alone', () => {
    expect(redactText('from 203.0.113.9 and 2001:db8::8a2e:370:7334 at 12:30:05')).toBe('from [ip] and [ip] at 12:30:05');
    expect(redactText('::1 connected')).toBe('[ip] connected');
    expect(redactText('peer ::ffff:192.0.2.1 ok')).toBe('peer [ip] ok');
    expect(redactText('fe80:0:0:0:202:b3ff:fe1e:8329')).toBe('[ip]');
  });

  it('removes bearer credentials and provider secrets', () => {
    expect(redactText('Authorization: Bearer st_abc.DEF-123')).toBe('Authorization: Bearer [redacted]');
    expect(redactText('key sk_test_51Habcdefghijkl and whsec_abcdefghijkl')).toBe('key [redacted] and [redacted]');
  });

  it('leaves ordinary text unchanged', () => {
    expect(redactText('job 42 completed in 1.5 s')).toBe('job 42 completed in 1.5 s');
  });
});

describe('isIpv6', () => {
  it.each(['::', '::1', '2001:db8::1', '1:2:3:4:5:6:7:8', '::ffff:10.0.0.1'])('accepts %s', (a) => expect(isIpv6(a)).toBe(true));
  it.each(['12:30:05', '1:2:3:4:5:6:7:8:9', '1::2::3', 'g::1', '1:2:3:4:5:6:7', '::ffff:300.1.1.1'])('rejects %s', (a) => expect(isIpv6(a)).toBe(false));
});

describe('maskEmail', () => {
  it('keeps the first letter and top-level domain only', () => {
    expect(maskEmail('alice@example.test')).toBe('a***@***.test');
    expect(maskEmail('nonsense')).toBe('[redacted]');
  });
});
