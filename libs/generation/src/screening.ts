// Our own prompt screening, before anything is sent to the provider or charged: blocked terms per
// category, matched as whole words after normalising case, accents and punctuation.

export interface ScreeningCategory {
  name: string;
  terms: readonly string[];
}

export interface ScreeningRules {
  categories: readonly ScreeningCategory[];
}

export type ScreeningVerdict = { allowed: true } | { allowed: false; category: string };

/** A small default list; operators configure their own with GENERATION_BLOCKED_TERMS. */
export const DEFAULT_SCREENING_RULES: ScreeningRules = {
  categories: [
    { name: 'minors_sexual', terms: ['child porn', 'cp video', 'underage nude'] },
    { name: 'graphic_violence', terms: ['beheading', 'gore video', 'snuff film'] },
    { name: 'real_person_sexual', terms: ['celebrity nude', 'deepfake porn'] },
  ],
};

export function normaliseForScreening(text: string): string {
  return ` ${text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

/** The first blocked category the prompt falls into (the term itself is never echoed back). */
export function screenPrompt(prompt: string, rules: ScreeningRules): ScreeningVerdict {
  const text = normaliseForScreening(prompt);
  for (const category of rules.categories) {
    for (const term of category.terms) {
      const needle = normaliseForScreening(term);
      if (needle.trim() && text.includes(needle)) return { allowed: false, category: category.name };
    }
  }
  return { allowed: true };
}

/**
 * Parses `category:term|term;category:term` (GENERATION_BLOCKED_TERMS). Returns the rules or the
 * reason the text is malformed.
 */
export function parseScreeningRules(text: string): { ok: true; rules: ScreeningRules } | { ok: false; message: string } {
  const categories: ScreeningCategory[] = [];
  for (const part of text.split(';').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const name = colon > 0 ? part.slice(0, colon).trim() : '';
    const terms = colon > 0 ? part.slice(colon + 1).split('|').map((t) => t.trim()).filter(Boolean) : [];
    if (!/^[a-z0-9_]+$/.test(name) || terms.length === 0) return { ok: false, message: `"${part}" is not "category:term|term" with a lower-case category name.` };
    categories.push({ name, terms });
  }
  return { ok: true, rules: { categories } };
}
