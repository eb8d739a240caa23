import { OutgoingMessage, checkOutgoingMessage, normalizeRecipient } from './outgoing-message';

const valid: OutgoingMessage = {
  kind: 'auth.login_code',
  class: 'service_critical',
  to: 'Someone@Example.COM',
  subject: 'Your sign-in code',
  text: 'Your code is 123456.',
};

describe('normalizeRecipient', () => {
  it('accepts plain addresses and lower-cases only the domain', () => {
    expect(normalizeRecipient(' Someone@Example.COM ')).toBe('Someone@example.com');
    expect(normalizeRecipient("o'brien+news@mail.example.co.uk")).toBe("o'brien+news@mail.example.co.uk");
    expect(normalizeRecipient('a@xn--bcher-kva.example')).toBe('a@xn--bcher-kva.example');
  });

  it('refuses lists, display names, header injection and malformed addresses', () => {
    for (const bad of [
      '',
      'nobody',
      '@example.com',
      'a@b',
      'a@@example.com',
      'a@example.com, b@example.com',
      'Alice <alice@example.com>',
      'a@example.com\r\nBcc: victim@example.com',
      'a b@example.com',
      '.a@example.com',
      'a..b@example.com',
      'a@-example.com',
      'a@example..com',
      'a@1.2.3.4',
      `${'x'.repeat(65)}@example.com`,
      `a@${'x'.repeat(250)}.com`,
    ]) {
      expect(normalizeRecipient(bad)).toBeUndefined();
    }
  });
});

describe('checkOutgoingMessage', () => {
  it('normalises a valid message and fills in the optional parts', () => {
    expect(checkOutgoingMessage(valid)).toEqual({
      ok: true,
      message: { ...valid, to: 'Someone@example.com', userId: null, html: null, headers: {}, maxAttempts: undefined, sensitive: false },
    });
  });

  it('keeps the sensitive flag of a message whose body holds a secret', () => {
    const r = checkOutgoingMessage({ ...valid, sensitive: true });
    expect(r.ok && r.message.sensitive).toBe(true);
  });

  it('keeps extra headers such as List-Unsubscribe', () => {
    const r = checkOutgoingMessage({ ...valid, class: 'marketing', headers: { 'List-Unsubscribe': '<https://soar2.example/u/abc>' } });
    expect(r.ok && r.message.headers).toEqual({ 'List-Unsubscribe': '<https://soar2.example/u/abc>' });
  });

  it('names every invalid field', () => {
    const r = checkOutgoingMessage({
      kind: 'Login Code',
      class: 'newsletter' as OutgoingMessage['class'],
      to: 'not-an-address',
      userId: '42',
      subject: 'two\nlines',
      text: '  ',
      html: 5 as unknown as string,
      maxAttempts: 0,
      sensitive: 'yes' as unknown as boolean,
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && Object.keys(r.errors).sort()).toEqual(['class', 'html', 'kind', 'maxAttempts', 'sensitive', 'subject', 'text', 'to', 'userId']);
  });

  it('refuses headers that would change the addressing or the MIME structure', () => {
    for (const name of ['Bcc', 'to', 'From', 'Reply-To', 'Content-Type', 'Message-ID']) {
      const r = checkOutgoingMessage({ ...valid, headers: { [name]: 'x' } });
      expect(!r.ok && r.errors.headers).toMatch(/cannot be set/);
    }
    const injected = checkOutgoingMessage({ ...valid, headers: { 'X-Campaign': 'spring\r\nBcc: victim@example.com' } });
    expect(!injected.ok && injected.errors.headers).toMatch(/one-line value/);
    const tooMany = checkOutgoingMessage({ ...valid, headers: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, 'v'])) });
    expect(!tooMany.ok && tooMany.errors.headers).toMatch(/at most 20/);
  });
});
