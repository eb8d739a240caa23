import { acknowledgementMail, codeMail, denialMail, officerReplyAlertMail, recipientLines, recipientNoticeMail, rightToComplain } from './privacy-mail';

const facts = { id: '6f1f7c1e-0000-4000-8000-000000000001', type: 'access' as const, to: 'a@example.test', userId: null };

describe('privacy request emails', () => {
  it('acknowledges at once with the due date, service-critical', () => {
    const m = acknowledgementMail(facts, new Date('2026-02-28T23:59:59.999Z'), true);
    expect(m).toMatchObject({ kind: 'privacy.request_received', class: 'service_critical', to: 'a@example.test' });
    expect(m.text).toContain('by 2026-02-28');
    expect(m.text).toContain('enter the code');
    expect(m.sensitive).toBeUndefined();
  });

  it('sends codes as sensitive mail, separately from the acknowledgement', () => {
    const m = codeMail(facts, '123456', 7, 'subject');
    expect(m).toMatchObject({ kind: 'privacy.subject_confirmation', sensitive: true });
    expect(m.text).toMatch(/^\s{4}123456$/m);
  });

  it('names where to complain for each regime of a denial', () => {
    expect(rightToComplain(['gdpr'])).toContain('supervisory authority');
    expect(rightToComplain(['ccpa'])).toContain('California Privacy Protection Agency');
    expect(rightToComplain(['coppa'])).toContain('Federal Trade Commission');
    expect(rightToComplain(['other'])).toContain('data protection authority');
    const d = denialMail(facts, ['gdpr', 'ccpa'], 'excessive', 'Third identical request this month.');
    expect(d.text).toContain('the request is excessive');
    expect(d.text).toContain('Third identical request this month.');
    expect(d.text).toContain('supervisory authority');
    expect(d.text).toContain('California Privacy Protection Agency');
  });

  it('alerts an officer with the reference and the console link only', () => {
    const m = officerReplyAlertMail('dpo@soar2.test', facts.id, `https://console.test/#/privacy-requests/${facts.id}/show`);
    expect(m).toMatchObject({ kind: 'privacy.requester_replied', class: 'service_critical', to: 'dpo@soar2.test', userId: null });
    expect(m.subject).toContain(facts.id);
    expect(m.text).toContain(`https://console.test/#/privacy-requests/${facts.id}/show`);
    expect(m.sensitive).toBeUndefined();
  });

  it('notifies a recipient of the kind of change and the categories, never the values', () => {
    const m = recipientNoticeMail('privacy@stripe.test', { requestId: facts.id, type: 'correction', userId: 'u-1', recipientName: 'Stripe', categories: ['billing details'] });
    expect(m.subject).toContain('rectification');
    expect(m.text).toContain('Data categories concerned: billing details');
    expect(m.text).toContain('Soar2 account id: u-1');
  });

  it('names the recipients told to the requester, or says none had to be', () => {
    expect(recipientLines('correction', ['Stripe', 'OpenAI']).join('\n')).toMatch(/rectification \(GDPR Art\. 19\):\n- Stripe\n- OpenAI/);
    expect(recipientLines('restriction', [])[0]).toContain('no one else had to be told of the restriction of processing');
  });
});
