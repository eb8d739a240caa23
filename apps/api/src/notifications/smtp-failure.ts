// Sorts delivery errors into "try again later" and "never going to work", and describes them
// without the personal data SMTP servers like to echo (recipient addresses, client IPs).
import { redactText } from '@soar2/privacy';

export type DeliveryFailureKind = 'permanent' | 'temporary';

export interface DeliveryFailure {
  kind: DeliveryFailureKind;
  /** Safe to store in last_error and to log: no addresses, no IPs, at most 300 characters. */
  reason: string;
}

interface MailErrorShape {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  message?: unknown;
}

const MAX_REASON = 300;
// Addresses with or without angle brackets; the domain alone would still point at a person's employer.
const ADDRESS = /<?[^\s<>@"]+@[^\s<>@"]+>?/g;

/** Removes addresses, IPs and secrets from server text and keeps it to one short line. */
export function sanitizeServerText(text: string): string {
  const oneLine = redactText(text.replace(ADDRESS, '[address]')).replace(/\s+/g, ' ').trim();
  return oneLine.length > MAX_REASON ? `${oneLine.slice(0, MAX_REASON - 1)}…` : oneLine;
}

function shapeOf(err: unknown): MailErrorShape {
  return err !== null && typeof err === 'object' ? (err as MailErrorShape) : { message: String(err) };
}

/**
 * 5xx SMTP replies are permanent (the message will never be accepted: unknown mailbox, policy
 * rejection), 4xx replies and network trouble are temporary. Authentication failures are the
 * exception: a wrong relay password is the operator's to fix and says nothing about the message,
 * so those messages wait for the fix instead of failing for good.
 */
export function classifyDeliveryError(err: unknown): DeliveryFailure {
  const e = shapeOf(err);
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' && Number.isInteger(e.responseCode) ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : undefined;
  const text = typeof e.response === 'string' ? e.response : typeof e.message === 'string' ? e.message : 'unknown error';

  const configProblem = code === 'EAUTH' || responseCode === 530;
  let kind: DeliveryFailureKind = 'temporary';
  if (!configProblem && responseCode !== undefined && responseCode >= 500 && responseCode < 600) kind = 'permanent';
  // Nodemailer refuses an envelope it cannot send (no valid recipient) before the server says anything.
  if (code === 'EENVELOPE' && responseCode === undefined) kind = 'permanent';

  const label = [code ?? 'ERROR', responseCode !== undefined ? String(responseCode) : undefined, command ? `at ${command}` : undefined]
    .filter(Boolean)
    .join(' ');
  return { kind, reason: sanitizeServerText(`${label}: ${text}`) };
}
