// The emails privacy requests send. Pure: request facts in, OutgoingMessage out. Service-critical
// always (a requester must hear about their request whatever their marketing choices).
import type { DenialReason, Regime, RequestType } from '@soar2/privacy';
import type { OutgoingMessage } from '../notifications/outgoing-message';

const TYPE_NAMES: Readonly<Record<RequestType, string>> = {
  access: 'a copy of your personal data',
  portability: 'your personal data in a portable format',
  correction: 'the correction of your personal data',
  deletion: 'the deletion of your account and personal data',
  restriction: 'the restriction of processing of your personal data',
  opt_out: 'an opt-out of the sale or sharing of your personal data and of marketing',
  consent_withdrawal: 'the withdrawal of your consent',
  objection: 'an objection to the processing of your personal data',
};

export const DENIAL_TEXTS: Readonly<Record<DenialReason, string>> = {
  insufficient_verification: 'we could not verify your identity to the standard the law requires',
  no_match: 'we hold no account or personal data matching the verified address',
  manifestly_unfounded: 'the request is manifestly unfounded',
  excessive: 'the request is excessive, in particular because of its repetitive character',
  legal_obligation: 'a legal obligation requires us to keep or process the data',
  other: 'of the reason given below',
};

/** Where a requester may complain about our answer, per regime. */
export function rightToComplain(regimes: readonly Regime[]): string {
  const lines: string[] = [];
  if (regimes.includes('gdpr')) lines.push('You have the right to lodge a complaint with a data protection supervisory authority, in particular in the EU/EEA country or the UK where you live or work, and to seek a judicial remedy (GDPR Art. 12(4), 77 and 79).');
  if (regimes.includes('ccpa')) lines.push('You may contact the California Privacy Protection Agency (cppa.ca.gov) or the California Attorney General if you believe your rights were not respected.');
  if (regimes.includes('coppa')) lines.push('You may contact the US Federal Trade Commission (ftc.gov) about the handling of your child’s data.');
  if (lines.length === 0) lines.push('You may complain to the data protection authority where you live.');
  return lines.join('\n');
}

interface RequestFacts {
  id: string;
  type: RequestType;
  to: string;
  userId: string | null;
}

function day(d: Date | string): string {
  return typeof d === 'string' ? d : d.toISOString().slice(0, 10);
}

const SIGN_OFF = ['', 'Soar2 privacy team', 'Reply to this email or write to us through your request’s status page to add anything.'];

export function acknowledgementMail(r: RequestFacts, dueAt: Date, needsCode: boolean): OutgoingMessage {
  return {
    kind: 'privacy.request_received',
    class: 'service_critical',
    to: r.to,
    userId: r.userId,
    subject: 'We received your privacy request',
    text: [
      'Hello,',
      '',
      `We received your request for ${TYPE_NAMES[r.type]} (reference ${r.id}).`,
      `We will answer by ${day(dueAt)} at the latest.`,
      needsCode ? 'To protect your data, we first need to confirm it was you: enter the code we sent in a separate email.' : '',
      ...SIGN_OFF,
    ].filter((l, i, all) => l !== '' || all[i - 1] !== '').join('\n'),
  };
}

export function codeMail(r: RequestFacts, code: string, expiresDays: number, purpose: 'requester' | 'subject' | 'reminder'): OutgoingMessage {
  const intro =
    purpose === 'subject'
      ? `Someone says they are authorized to make a privacy request for ${TYPE_NAMES[r.type]} on your behalf (reference ${r.id}). If you authorized them, confirm with this code:`
      : purpose === 'reminder'
        ? `Your privacy request (reference ${r.id}) is waiting for confirmation. Here is a new code:`
        : `To confirm your privacy request (reference ${r.id}), enter this code:`;
  return {
    kind: purpose === 'subject' ? 'privacy.subject_confirmation' : purpose === 'reminder' ? 'privacy.verification_reminder' : 'privacy.verification_code',
    class: 'service_critical',
    to: r.to,
    userId: r.userId,
    subject: purpose === 'subject' ? 'Did you authorize a privacy request?' : 'Your privacy request code',
    text: [
      'Hello,',
      '',
      intro,
      '',
      `    ${code}`,
      '',
      `Unconfirmed requests are closed after ${expiresDays} days. If you did not make this request, ignore this email.`,
      ...SIGN_OFF,
    ].join('\n'),
    sensitive: true,
  };
}

export function statusMail(r: RequestFacts, kind: string, subject: string, lines: string[]): OutgoingMessage {
  return { kind: `privacy.${kind}`, class: 'service_critical', to: r.to, userId: r.userId, subject, text: ['Hello,', '', ...lines, ...SIGN_OFF].join('\n') };
}

export function denialMail(r: RequestFacts, regimes: readonly Regime[], reason: DenialReason, text: string): OutgoingMessage {
  return statusMail(r, 'request_denied', 'Your privacy request', [
    `We cannot fulfil your request for ${TYPE_NAMES[r.type]} (reference ${r.id}) because ${DENIAL_TEXTS[reason]}.`,
    '',
    text,
    '',
    rightToComplain(regimes),
  ]);
}

export function extensionMail(r: RequestFacts, reason: string, newDueAt: Date): OutgoingMessage {
  return statusMail(r, 'request_extended', 'We need more time for your privacy request', [
    `Your request for ${TYPE_NAMES[r.type]} (reference ${r.id}) needs more time than usual, for this reason:`,
    '',
    reason,
    '',
    `We will answer by ${day(newDueAt)} at the latest.`,
  ]);
}

export function typeName(type: RequestType): string {
  return TYPE_NAMES[type];
}

/** What Art. 19 notices call each fulfilled type. */
const CHANGE_NAMES: Readonly<Partial<Record<RequestType, string>>> = {
  correction: 'rectification',
  restriction: 'restriction of processing',
  deletion: 'erasure',
};

export function changeName(type: RequestType): string {
  return CHANGE_NAMES[type] ?? 'change';
}

/**
 * To the officer (the assignee, or every privacy officer): the requester wrote. Only the reference
 * and the console link: no address, no name, no message text, so the mail carries no personal data.
 */
export function officerReplyAlertMail(to: string, requestId: string, consoleUrl: string): OutgoingMessage {
  return {
    kind: 'privacy.requester_replied',
    class: 'service_critical',
    to,
    userId: null,
    subject: `Privacy request ${requestId}: the requester wrote`,
    text: ['Hello,', '', `The requester added a message to privacy request ${requestId}. It is waiting for a privacy officer.`, '', `Open it in the console: ${consoleUrl}`, '', 'Soar2 Back-Office'].join('\n'),
  };
}

/**
 * GDPR Art. 19 notice to a sub-processor's privacy contact: which request, what kind of change, the
 * register categories concerned and our account id (the identifier the recipient holds). No values.
 */
export function recipientNoticeMail(to: string, n: { requestId: string; type: RequestType; userId: string; recipientName: string; categories: string[] }): OutgoingMessage {
  return {
    kind: 'privacy.recipient_notice',
    class: 'service_critical',
    to,
    userId: n.userId,
    subject: `Soar2 data protection notice: ${changeName(n.type)} (reference ${n.requestId})`,
    text: [
      `To the privacy contact of ${n.recipientName},`,
      '',
      `Under GDPR Art. 19 and our data processing agreement, we notify you of the ${changeName(n.type)} of personal data we disclosed to you.`,
      '',
      `Reference: ${n.requestId}`,
      `Soar2 account id: ${n.userId}`,
      `Data categories concerned: ${n.categories.join(', ')}`,
      '',
      n.type === 'correction'
        ? 'Please update the data you hold for this account; the current values reach you through our integration with you.'
        : n.type === 'restriction'
          ? 'Please restrict processing of the data you hold for this account (store it, do not otherwise use it) until we tell you the restriction is lifted.'
          : 'Please erase the data you hold for this account, unless you must keep it by law.',
      'Answer with the reference above to confirm.',
      '',
      'Soar2 privacy team',
    ].join('\n'),
  };
}

/** The requester's final message names the recipients told (Art. 19, second sentence). */
export function recipientLines(type: RequestType, names: readonly string[]): string[] {
  if (names.length === 0) return [`None of the service providers we share data with holds the data concerned, so no one else had to be told of the ${changeName(type)}.`];
  return [`We have told these recipients of your data about the ${changeName(type)} (GDPR Art. 19):`, ...names.map((n) => `- ${n}`), 'Ask us if you want to know more about them.'];
}
