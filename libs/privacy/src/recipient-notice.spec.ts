import { ALL_PERSONAL_DATA, affectedFields, recipientsForFields } from './recipient-notice';

// The launch register (policy migration seed).
const REGISTER = [
  { id: 'stripe', name: 'Stripe', dataCategories: ['email', 'billing details', 'payment history'] },
  { id: 'openai', name: 'OpenAI', dataCategories: ['prompts', 'reference images', 'generated videos'] },
  { id: 'storage', name: 'Cloud storage provider', dataCategories: ['generated videos', 'reference images', 'account data'] },
  { id: 'mail', name: 'Email delivery provider', dataCategories: ['email', 'message content'] },
  { id: 'cdn', name: 'CDN', dataCategories: [] },
];

const names = (fields: string[]) => recipientsForFields(fields, REGISTER).map((m) => m.recipient.name);

describe('recipientsForFields', () => {
  it('an email correction reaches the billing and email providers and the storage backups, not OpenAI', () => {
    expect(names(['email'])).toEqual(['Stripe', 'Cloud storage provider', 'Email delivery provider']);
  });

  it('a name correction reaches billing (the payer’s name) and email (message content)', () => {
    const matches = recipientsForFields(['displayName'], REGISTER);
    expect(matches.map((m) => [m.recipient.id, m.categories])).toEqual([
      ['stripe', ['billing details']],
      ['storage', ['account data']],
      ['mail', ['message content']],
    ]);
  });

  it('prompts reach OpenAI only', () => {
    expect(names(['prompts'])).toEqual(['OpenAI']);
  });

  it('categories match whatever their case and spacing; another spelling does not', () => {
    expect(recipientsForFields(['email'], [{ id: 'x', name: 'X', dataCategories: ['  E-mail ', 'Email   Address'] }]).map((m) => m.categories)).toEqual([['Email   Address']]);
  });

  it('all personal data (restriction, erasure) reaches every recipient holding any category, and none with an empty entry', () => {
    expect(names([ALL_PERSONAL_DATA])).toEqual(['Stripe', 'OpenAI', 'Cloud storage provider', 'Email delivery provider']);
  });

  it('no field, no recipient; an unknown field matches a category of its own name only', () => {
    expect(names([])).toEqual([]);
    expect(names(['payment history'])).toEqual(['Stripe']);
    expect(names(['shoe size'])).toEqual([]);
  });
});

describe('affectedFields', () => {
  it('a correction changes the applied fields; restriction and deletion all data; other types nothing', () => {
    expect(affectedFields('correction', { region: 'DE', displayName: 'Erin' })).toEqual(['displayName', 'region']);
    expect(affectedFields('correction', null)).toEqual([]);
    expect(affectedFields('restriction', null)).toEqual([ALL_PERSONAL_DATA]);
    expect(affectedFields('deletion', null)).toEqual([ALL_PERSONAL_DATA]);
    expect(affectedFields('access', null)).toEqual([]);
  });
});
