import { STAFF_AUTHOR, THIRD_PARTY_EMAIL, THIRD_PARTY_IP, THIRD_PARTY_NAME, THIRD_PARTY_PHONE, redactThirdParties, redactTicketMessages } from './third-party-redaction';

const subject = { emails: ['Ada@Example.com'], phones: ['+44 20 7946 0000'] };

describe('redactThirdParties', () => {
  it('keeps the subject’s own email (any case) and removes other people’s', () => {
    expect(redactThirdParties('Me: ada@example.com, my friend: bob@example.org', subject)).toBe(`Me: ada@example.com, my friend: ${THIRD_PARTY_EMAIL}`);
  });

  it('keeps the subject’s own phone number however it is written, removes others', () => {
    expect(redactThirdParties('call me on +44 (20) 7946-0000 or my sister on 020 7946 0999', subject)).toBe(`call me on +44 (20) 7946-0000 or my sister on ${THIRD_PARTY_PHONE}`);
  });

  it('leaves dates, short numbers and order numbers alone', () => {
    expect(redactThirdParties('On 2026-01-31 I paid 19.99 for order 12345', subject)).toBe('On 2026-01-31 I paid 19.99 for order 12345');
  });

  it('removes IPv4 and IPv6 addresses', () => {
    expect(redactThirdParties('from 198.51.100.7 and 2001:db8::1', subject)).toBe(`from ${THIRD_PARTY_IP} and ${THIRD_PARTY_IP}`);
  });

  it('removes known names as whole words, longest first, in any case', () => {
    expect(redactThirdParties('ann lee said Ann would call; Annabel not', { emails: [], otherNames: ['Ann', 'Ann Lee'] })).toBe(
      `${THIRD_PARTY_NAME} said ${THIRD_PARTY_NAME} would call; Annabel not`,
    );
  });
});

describe('redactTicketMessages', () => {
  it('drops internal notes, shows staff as Soar2 support and removes staff names from bodies', () => {
    const out = redactTicketMessages(
      [
        { authorType: 'user', authorName: 'Ada', body: 'Hi, my colleague carol@corp.example cannot log in', createdAt: '2026-01-01T10:00:00Z' },
        { authorType: 'staff', authorName: 'Sam Ortiz', body: 'Sam Ortiz here, I will check.', createdAt: '2026-01-01T11:00:00Z' },
        { authorType: 'staff', authorName: 'Sam Ortiz', body: 'Internal: suspicious account', internal: true, createdAt: '2026-01-01T11:05:00Z' },
        { authorType: 'system', authorName: null, body: 'Ticket closed', createdAt: '2026-01-02T00:00:00Z' },
      ],
      subject,
    );
    expect(out).toEqual([
      { author: 'You', body: `Hi, my colleague ${THIRD_PARTY_EMAIL} cannot log in`, createdAt: '2026-01-01T10:00:00Z' },
      { author: STAFF_AUTHOR, body: `${THIRD_PARTY_NAME} here, I will check.`, createdAt: '2026-01-01T11:00:00Z' },
      { author: 'Soar2', body: 'Ticket closed', createdAt: '2026-01-02T00:00:00Z' },
    ]);
  });
});
