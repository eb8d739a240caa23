// Pure rules of the consent ledger: purposes, the state derived from entries, Global Privacy Control
// header parsing, and the Kantara Consent Receipt–aligned export of entries. No I/O.

/** The opt-out purpose of "do not sell or share" (CCPA/CPRA): granted=false means opted out. */
export const SALE_SHARING = 'sale_sharing';
export const MARKETING_EMAILS = 'marketing_emails';

export const CONSENT_SOURCES = ['user', 'gpc', 'privacy_request', 'admin'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

/** One ledger entry as the rules need it. */
export interface ConsentEntry {
  purpose: string;
  granted: boolean;
  source: ConsentSource;
  recordedAt: Date;
}

export interface PurposeState {
  granted: boolean;
  /** False when nothing is on record and the default applies. */
  recorded: boolean;
  source: ConsentSource | null;
  since: Date | null;
}

/**
 * What a purpose means when nothing is on record: opt-in purposes (marketing, analytics…) are not
 * granted until the person says so; sale/sharing is an opt-out, allowed until they opt out (we do
 * not sell data, but the opt-out is recorded and honoured all the same).
 */
export function defaultGranted(purpose: string): boolean {
  return purpose === SALE_SHARING;
}

/** Every purpose the ledger accepts: the configured opt-in purposes, then sale_sharing. */
export function allPurposes(optInPurposes: readonly string[]): string[] {
  return [...optInPurposes.filter((p) => p !== SALE_SHARING), SALE_SHARING];
}

/** The current state per purpose: the latest entry wins (ties broken by order given, later wins). */
export function deriveConsentState(purposes: readonly string[], entries: readonly ConsentEntry[]): Record<string, PurposeState> {
  const state: Record<string, PurposeState> = {};
  for (const p of purposes) state[p] = { granted: defaultGranted(p), recorded: false, source: null, since: null };
  for (const e of entries) {
    const current = state[e.purpose];
    if (!current) continue;
    if (current.since && e.recordedAt.getTime() < current.since.getTime()) continue;
    state[e.purpose] = { granted: e.granted, recorded: true, source: e.source, since: e.recordedAt };
  }
  return state;
}

/** `marketing_emails` → `marketingEmails` (the preferences API's field names). */
export function purposeField(purpose: string): string {
  return purpose.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `marketingEmails` → `marketing_emails`. */
export function fieldPurpose(field: string): string {
  return field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * Whether a request carries the Global Privacy Control signal. The spec defines one valid value,
 * `1`. Node joins repeated headers with ", " and proxies may fold them too, so every raw value is
 * split on commas and any member equal to `1` counts; `0`, `true`, `yes`, `1.0` do not. Leading and
 * trailing whitespace is not part of an HTTP field value (RFC 9110 §5.5): Node's parser already
 * strips it, and it is trimmed here for folded lists.
 */
export function hasGpcSignal(rawHeaders: readonly string[]): boolean {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if ((rawHeaders[i] ?? '').toLowerCase() !== 'sec-gpc') continue;
    const value = rawHeaders[i + 1] ?? '';
    if (value.split(',').some((member) => member.trim() === '1')) return true;
  }
  return false;
}

/** A ledger entry with everything the receipt needs. */
export interface ConsentRecordForReceipt extends ConsentEntry {
  id: string;
  policyVersion: string | null;
  ip: string | null;
  userAgent: string | null;
  reference: string | null;
}

export interface ConsentReceiptController {
  name: string;
  contact: string;
  policyUrl: string;
}

export type ReceiptValue = string | number | boolean | null | string[] | Record<string, unknown>;

/**
 * One entry as a receipt aligned with the Kantara Initiative Consent Receipt Specification v1.1:
 * its field names (version, jurisdiction, consentTimestamp, collectionMethod, consentReceiptID,
 * piiPrincipalId, piiControllers, policyUrl, services/purposes with consentType and termination),
 * one receipt per ledger entry so that withdrawals are receipts too.
 */
export function consentReceipt(
  record: ConsentRecordForReceipt,
  subject: { userId: string; jurisdiction: string | null },
  controller: ConsentReceiptController,
): Record<string, ReceiptValue> {
  const optOut = record.purpose === SALE_SHARING;
  return {
    version: 'KI-CR-v1.1.0',
    jurisdiction: subject.jurisdiction ?? 'unknown',
    consentTimestamp: Math.floor(record.recordedAt.getTime() / 1000),
    collectionMethod: COLLECTION_METHOD[record.source],
    consentReceiptID: record.id,
    publicKey: null,
    language: 'en',
    piiPrincipalId: subject.userId,
    piiControllers: [{ piiController: controller.name, contact: controller.contact, url: controller.policyUrl }] as unknown as string[],
    policyUrl: controller.policyUrl,
    services: [
      {
        service: 'Soar2 AI',
        purposes: [
          {
            purpose: record.purpose,
            purposeCategory: [record.purpose],
            consentType: optOut ? 'OPT-OUT' : 'EXPLICIT',
            piiCategory: PII_CATEGORIES[record.purpose] ?? ['account data'],
            primaryPurpose: false,
            termination: 'until withdrawn by the PII principal',
            thirdPartyDisclosure: false,
          },
        ],
      },
    ] as unknown as string[],
    sensitive: false,
    spiCat: [],
    // Extensions (not in v1.1): what happened, under which policy, from where.
    granted: record.granted,
    optedOut: optOut ? !record.granted : null,
    source: record.source,
    policyVersion: record.policyVersion,
    reference: record.reference,
    ip: record.ip,
    userAgent: record.userAgent,
  };
}

const COLLECTION_METHOD: Record<ConsentSource, string> = {
  user: 'set by the person in their preferences or through an unsubscribe link',
  gpc: 'Global Privacy Control signal (Sec-GPC: 1) sent by the browser',
  privacy_request: 'privacy request (opt-out, consent withdrawal or objection)',
  admin: 'recorded by staff on the person’s instruction',
};

const PII_CATEGORIES: Record<string, string[]> = {
  marketing_emails: ['email address'],
  analytics: ['usage data', 'device data'],
  product_improvement: ['prompts', 'generated videos', 'usage data'],
  sale_sharing: ['account data', 'usage data'],
};
