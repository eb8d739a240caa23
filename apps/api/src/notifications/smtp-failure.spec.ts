import { classifyDeliveryError, sanitizeServerText } from './smtp-failure';

function smtpError(fields: { code?: string; responseCode?: number; response?: string; command?: string; message?: string }): Error {
  return Object.assign(new Error(fields.message ?? 'Mail command failed'), fields);
}

describe('classifyDeliveryError', () => {
  it('fails at once on a 5xx reply to the recipient', () => {
    const err = smtpError({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 <bob@example.com>: Recipient address rejected' });
    expect(classifyDeliveryError(err)).toEqual({ kind: 'permanent', reason: 'EENVELOPE 550 at RCPT TO: 550 5.1.1 [address]: Recipient address rejected' });
  });

  it('fails at once on a 5xx reply to the message body', () => {
    expect(classifyDeliveryError(smtpError({ code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 Message rejected as spam' })).kind).toBe('permanent');
    expect(classifyDeliveryError(smtpError({ code: 'EMESSAGE', responseCode: 552, response: '552 Message size exceeds limit' })).kind).toBe('permanent');
  });

  it('retries on a 4xx reply', () => {
    const err = smtpError({ code: 'EMESSAGE', responseCode: 451, command: 'DATA', response: '451 4.3.0 Try again later' });
    expect(classifyDeliveryError(err)).toEqual({ kind: 'temporary', reason: 'EMESSAGE 451 at DATA: 451 4.3.0 Try again later' });
    expect(classifyDeliveryError(smtpError({ code: 'EENVELOPE', responseCode: 450, response: '450 Mailbox busy' })).kind).toBe('temporary');
    expect(classifyDeliveryError(smtpError({ code: 'EPROTOCOL', responseCode: 421, response: '421 Service not available, closing channel' })).kind).toBe('temporary');
  });

  it('retries on connection trouble that carries no SMTP reply', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'ECONNREFUSED']) {
      expect(classifyDeliveryError(smtpError({ code, message: 'connect ECONNREFUSED 10.1.2.3:25' })).kind).toBe('temporary');
    }
  });

  it('retries on authentication failures, which are the relay configuration and not the message', () => {
    expect(classifyDeliveryError(smtpError({ code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: '535 5.7.8 Authentication failed' })).kind).toBe('temporary');
    expect(classifyDeliveryError(smtpError({ code: 'EENVELOPE', responseCode: 530, command: 'MAIL FROM', response: '530 5.7.0 Authentication required' })).kind).toBe('temporary');
  });

  it('fails at once when the envelope is refused before any server reply', () => {
    expect(classifyDeliveryError(smtpError({ code: 'EENVELOPE', message: 'No recipients defined' })).kind).toBe('permanent');
  });

  it('retries on errors it does not recognise, including file system errors and non-errors', () => {
    expect(classifyDeliveryError(smtpError({ code: 'ENOSPC', message: 'no space left on device' }))).toEqual({ kind: 'temporary', reason: 'ENOSPC: no space left on device' });
    expect(classifyDeliveryError('boom')).toEqual({ kind: 'temporary', reason: 'ERROR: boom' });
    expect(classifyDeliveryError(undefined).kind).toBe('temporary');
    expect(classifyDeliveryError(smtpError({ responseCode: 250.5 })).kind).toBe('temporary');
  });

  it('keeps addresses and IPs out of the reason', () => {
    const err = smtpError({
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.7.1 Client host [203.0.113.7] rejected for alice.smith+news@mail.example.org and <carol@example.net>',
    });
    const { reason } = classifyDeliveryError(err);
    expect(reason).not.toMatch(/alice|carol|example\.org|example\.net|203\.0\.113\.7/);
    expect(reason).toContain('[address]');
  });
});

describe('sanitizeServerText', () => {
  it('folds multi-line replies into one line and bounds the length', () => {
    expect(sanitizeServerText('550-5.1.1 first line\r\n550 5.1.1 second line')).toBe('550-5.1.1 first line 550 5.1.1 second line');
    const long = sanitizeServerText('x'.repeat(1000));
    expect(long.length).toBe(300);
    expect(long.endsWith('…')).toBe(true);
  });
});
