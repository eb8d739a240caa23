import { DEFAULT_SCREENING_RULES, parseScreeningRules, screenPrompt } from './screening';

describe('screenPrompt', () => {
  const rules = { categories: [{ name: 'violence', terms: ['gore video', 'beheading'] }] };

  it('blocks whole-word matches regardless of case, accents and punctuation', () => {
    expect(screenPrompt('A GORE—video please', rules)).toEqual({ allowed: false, category: 'violence' });
    expect(screenPrompt('a bëheading scene', rules)).toEqual({ allowed: false, category: 'violence' });
  });

  it('does not block words that merely contain a term', () => {
    expect(screenPrompt('the beheadings museum gorevideo', rules)).toEqual({ allowed: true });
    expect(screenPrompt('A fox in the snow', DEFAULT_SCREENING_RULES)).toEqual({ allowed: true });
  });

  it('parses configured rules and rejects malformed ones', () => {
    expect(parseScreeningRules('weapons:bomb making|pipe bomb; spam:buy now')).toEqual({
      ok: true,
      rules: { categories: [{ name: 'weapons', terms: ['bomb making', 'pipe bomb'] }, { name: 'spam', terms: ['buy now'] }] },
    });
    expect(parseScreeningRules('Weapons:x').ok).toBe(false);
    expect(parseScreeningRules('weapons:').ok).toBe(false);
  });
});
