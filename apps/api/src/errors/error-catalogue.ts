// Every machine code the API can answer with, gathered from each module's `<MODULE>_ERROR_CODES`.
// The OpenAPI document lists them; a test fails when an exception uses a code missing from here.
import { AUDIT_ERROR_CODES } from '../audit/audit.exception';
import { CONSENT_ERROR_CODES } from '../consent/consent.exception';
import { DATA_KEYS_ERROR_CODES } from '../data-keys/data-keys.exception';
import { LEGAL_HOLDS_ERROR_CODES } from '../legal-holds/legal-holds.exception';
import { RETENTION_ERROR_CODES } from '../retention/retention.exception';
import { BILLING_ERROR_CODES } from '../billing/billing.exception';
import { CREDITS_ERROR_CODES } from '../credits/credits.exception';
import { GENERATION_ERROR_CODES } from '../generation/generation.exception';
import { IDENTITY_ERROR_CODES } from '../identity/identity.exception';
import { NOTIFICATIONS_ERROR_CODES } from '../notifications/notifications.exception';
import { PRIVACY_REQUESTS_ERROR_CODES } from '../privacy-requests/privacy-requests.exception';
import { PRIVACY_PACKAGES_ERROR_CODES } from '../privacy-packages/privacy-packages.exception';
import { STORAGE_ERROR_CODES } from '../storage/storage.exception';
import { POLICY_ERROR_CODES } from '../policy/policy.exception';
import { SUPPORT_ERROR_CODES } from '../support/support.exception';
import { PLATFORM_ERROR_CODES } from './error-codes';

export const ERROR_CATALOGUE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  platform: PLATFORM_ERROR_CODES,
  identity: IDENTITY_ERROR_CODES,
  storage: STORAGE_ERROR_CODES,
  notifications: NOTIFICATIONS_ERROR_CODES,
  audit: AUDIT_ERROR_CODES,
  consent: CONSENT_ERROR_CODES,
  policy: POLICY_ERROR_CODES,
  dataKeys: DATA_KEYS_ERROR_CODES,
  legalHolds: LEGAL_HOLDS_ERROR_CODES,
  retention: RETENTION_ERROR_CODES,
  credits: CREDITS_ERROR_CODES,
  generation: GENERATION_ERROR_CODES,
  billing: BILLING_ERROR_CODES,
  support: SUPPORT_ERROR_CODES,
  privacyRequests: PRIVACY_REQUESTS_ERROR_CODES,
  privacyPackages: PRIVACY_PACKAGES_ERROR_CODES,
};

/** Markdown for the OpenAPI description: one list per module. */
export function errorCatalogueMarkdown(): string {
  return Object.entries(ERROR_CATALOGUE)
    .map(([module, codes]) => `**${module}**\n${Object.entries(codes).map(([code, text]) => `- \`${code}\`: ${text}`).join('\n')}`)
    .join('\n\n');
}
