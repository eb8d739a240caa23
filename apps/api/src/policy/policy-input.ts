// Validation of console input for policy versions and sub-processors (422 with a message per field).
import { ValidationFailedException } from '../errors/domain.exception';
import { normalizeRecipient } from '../notifications/outgoing-message';

export interface PolicyVersionDraft {
  version: string;
  title: string;
  body: string;
  summaryOfChanges: string;
  significant: boolean;
  effectiveAt: Date | null;
}

export interface SubprocessorInput {
  name: string;
  purpose: string;
  dataCategories: string[];
  location: string;
  agreementDate: string | null;
  /** Where a rectification, erasure or restriction is notified (GDPR Art. 19); none: the officer notifies through the DPA channel. */
  privacyContactEmail: string | null;
  /** Create a notice (and an email campaign) announcing the addition. */
  notify: boolean;
}

const VERSION_RE = /^[0-9A-Za-z][0-9A-Za-z.-]{0,19}$/;
const MAX_BODY = 200_000;

function obj(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ValidationFailedException({ body: 'Send a JSON object.' });
  return body as Record<string, unknown>;
}

function text(errors: Record<string, string>, v: Record<string, unknown>, field: string, max: number, required: boolean): string | undefined {
  const value = v[field];
  if (value === undefined || value === null) {
    if (required) errors[field] = `${field} is required.`;
    return undefined;
  }
  if (typeof value !== 'string' || (required && !value.trim()) || value.length > max) {
    errors[field] = `${field} must be ${required ? 'non-empty ' : ''}text of at most ${max} characters.`;
    return undefined;
  }
  return value;
}

function date(errors: Record<string, string>, v: Record<string, unknown>, field: string): Date | null | undefined {
  const value = v[field];
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const d = typeof value === 'string' ? new Date(value) : undefined;
  if (!d || Number.isNaN(d.getTime())) {
    errors[field] = `${field} must be a date and time such as 2026-12-01T00:00:00Z.`;
    return undefined;
  }
  return d;
}

const DRAFT_FIELDS = ['version', 'title', 'body', 'summaryOfChanges', 'significant', 'effectiveAt'];
// Fields react-admin sends back from a record it loaded; ignored on input.
const READ_ONLY_FIELDS = ['id', 'status', 'lastUpdated', 'publishedAt', 'publishedBy', 'createdAt', 'updatedAt', 'notice', 'campaign'];

/** A new draft (all fields) or changes to one (`partial`). */
export function parsePolicyVersionInput(body: unknown, partial: boolean): Partial<PolicyVersionDraft> {
  const v = obj(body);
  const errors: Record<string, string> = {};
  for (const k of Object.keys(v)) if (!DRAFT_FIELDS.includes(k) && !READ_ONLY_FIELDS.includes(k)) errors[k] = `The field "${k.slice(0, 64)}" is not allowed.`;
  const out: Partial<PolicyVersionDraft> = {};
  const version = text(errors, v, 'version', 20, !partial);
  if (version !== undefined) {
    if (!VERSION_RE.test(version)) errors.version = 'version must be 1 to 20 letters, digits, dots or dashes, e.g. 2.0 or 2026-12.';
    else out.version = version;
  }
  const title = text(errors, v, 'title', 200, !partial);
  if (title !== undefined) out.title = title;
  const b = text(errors, v, 'body', MAX_BODY, !partial);
  if (b !== undefined) out.body = b;
  const summary = text(errors, v, 'summaryOfChanges', 5000, false);
  if (summary !== undefined) out.summaryOfChanges = summary;
  if (v.significant !== undefined) {
    if (typeof v.significant !== 'boolean') errors.significant = 'significant must be true or false.';
    else out.significant = v.significant;
  }
  const effectiveAt = date(errors, v, 'effectiveAt');
  if (effectiveAt !== undefined) out.effectiveAt = effectiveAt;
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return out;
}

/** `{effectiveAt?}` of a publish action. */
export function parsePublishInput(body: unknown): { effectiveAt?: Date | null } {
  if (body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0)) return {};
  const v = obj(body);
  const errors: Record<string, string> = {};
  for (const k of Object.keys(v)) if (k !== 'effectiveAt') errors[k] = `The field "${k.slice(0, 64)}" is not allowed.`;
  const effectiveAt = date(errors, v, 'effectiveAt');
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return effectiveAt === undefined ? {} : { effectiveAt };
}

const SUB_FIELDS = ['name', 'purpose', 'dataCategories', 'location', 'agreementDate', 'privacyContactEmail', 'notify'];

export function parseSubprocessorInput(body: unknown, partial: boolean): Partial<SubprocessorInput> {
  const v = obj(body);
  const errors: Record<string, string> = {};
  for (const k of Object.keys(v)) if (!SUB_FIELDS.includes(k) && !['id', 'createdAt', 'updatedAt'].includes(k)) errors[k] = `The field "${k.slice(0, 64)}" is not allowed.`;
  const out: Partial<SubprocessorInput> = {};
  for (const [field, max] of [['name', 200], ['purpose', 500], ['location', 200]] as const) {
    const value = text(errors, v, field, max, !partial);
    if (value !== undefined) out[field] = value.trim();
  }
  if (v.dataCategories !== undefined) {
    const c = v.dataCategories;
    if (!Array.isArray(c) || c.length > 30 || !c.every((x) => typeof x === 'string' && x.trim() && x.length <= 100)) {
      errors.dataCategories = 'dataCategories must be a list of at most 30 short texts.';
    } else out.dataCategories = c.map((x: string) => x.trim());
  } else if (!partial) out.dataCategories = [];
  if (v.agreementDate !== undefined) {
    const a = v.agreementDate;
    if (a === null || a === '') out.agreementDate = null;
    else if (typeof a !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(a) || Number.isNaN(Date.parse(a))) errors.agreementDate = 'agreementDate must be a date written YYYY-MM-DD.';
    else out.agreementDate = a.slice(0, 10);
  }
  if (v.privacyContactEmail !== undefined) {
    const e = v.privacyContactEmail;
    if (e === null || e === '') out.privacyContactEmail = null;
    else {
      const address = typeof e === 'string' && e.length <= 254 ? normalizeRecipient(e.trim()) : undefined;
      if (address === undefined) errors.privacyContactEmail = 'privacyContactEmail must be one email address, or empty.';
      else out.privacyContactEmail = address;
    }
  } else if (!partial) out.privacyContactEmail = null;
  if (v.notify !== undefined) {
    if (typeof v.notify !== 'boolean') errors.notify = 'notify must be true or false.';
    else out.notify = v.notify;
  }
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
  return out;
}
