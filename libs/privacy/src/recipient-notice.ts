// GDPR Art. 19: a rectification, erasure or restriction is communicated to each recipient to whom
// the personal data was disclosed. Our recipients are the sub-processors of the policy register;
// which of them hold a corrected field is decided here, from the register's data categories.
import type { RequestType } from './request-types';

/** A sub-processor as the register describes it (free-text data categories, e.g. "email", "billing details"). */
export interface RegisteredRecipient {
  id: string;
  name: string;
  dataCategories: readonly string[];
}

export interface RecipientMatch<R extends RegisteredRecipient = RegisteredRecipient> {
  recipient: R;
  /** The register categories that made it a recipient, as written in the register. */
  categories: string[];
}

/** Every field of a person's data: restriction and erasure concern all of it. */
export const ALL_PERSONAL_DATA = '*';

/**
 * Profile fields and the register categories that hold them (lower case). A name shows in billing
 * details (the payer's name) and in the emails we send; every profile field is part of "account
 * data" (the backups in storage).
 */
export const FIELD_CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  displayName: ['name', 'display name', 'profile', 'account data', 'billing details', 'message content'],
  email: ['email', 'email address', 'contact details', 'account data', 'billing details'],
  region: ['region', 'country', 'location', 'address', 'account data', 'billing details'],
  prompts: ['prompts'],
  referenceImages: ['reference images'],
  videos: ['generated videos'],
};

function normalise(category: string): string {
  return category.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The recipients to notify when `fields` are rectified (or, with ALL_PERSONAL_DATA, erased or
 * restricted): each register entry with at least one category holding one of the fields, in
 * register order, with the categories that matched. An unknown field matches a category of the
 * same name only.
 */
export function recipientsForFields<R extends RegisteredRecipient>(fields: readonly string[], register: readonly R[]): RecipientMatch<R>[] {
  const all = fields.includes(ALL_PERSONAL_DATA);
  const wanted = new Set(fields.flatMap((f) => FIELD_CATEGORIES[f] ?? [normalise(f)]));
  const out: RecipientMatch<R>[] = [];
  for (const recipient of register) {
    const categories = recipient.dataCategories.filter((c) => normalise(c) !== '' && (all || wanted.has(normalise(c))));
    if (categories.length) out.push({ recipient, categories });
  }
  return out;
}

/**
 * The fields a fulfilled request changed, for recipientsForFields: a correction's applied fields;
 * all personal data for restriction and deletion; none for the other types (Art. 19 does not apply).
 */
export function affectedFields(type: RequestType, appliedChanges: Readonly<Record<string, string | null>> | null): string[] {
  if (type === 'correction') return Object.entries(appliedChanges ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k).sort();
  if (type === 'restriction' || type === 'deletion') return [ALL_PERSONAL_DATA];
  return [];
}
