import { DEFAULT_CATALOGUE, planSegments, priceCredits, providerPrompt } from './catalogue';

describe('catalogue', () => {
  it('prices per model, seconds and size', () => {
    expect(priceCredits(DEFAULT_CATALOGUE, 'sora-2', 20, '1280x720')).toBe(20);
    expect(priceCredits(DEFAULT_CATALOGUE, 'sora-2-pro', 8, '1792x1024')).toBe(40);
    expect(priceCredits(DEFAULT_CATALOGUE, 'sora-2', 8, '1792x1024')).toBeUndefined();
    expect(priceCredits(DEFAULT_CATALOGUE, 'nope', 8, '1280x720')).toBeUndefined();
  });

  it('plans 20 seconds as a 12-second create and an 8-second extension', () => {
    expect(planSegments(20, [4, 8, 12])).toEqual([12, 8]);
    expect(planSegments(12, [4, 8, 12])).toEqual([12]);
    expect(planSegments(4, [4, 8, 12])).toEqual([4]);
    expect(planSegments(28, [4, 8, 12])).toEqual([12, 12, 4]);
  });

  it('refuses lengths no combination of calls makes', () => {
    expect(() => planSegments(6, [4, 8, 12])).toThrow(/cannot be made/);
    expect(() => planSegments(4, [])).toThrow(/No provider call/);
  });

  it('appends the style suffix for the provider only', () => {
    expect(providerPrompt(DEFAULT_CATALOGUE, ' a cat ', 'noir')).toBe('a cat Black and white film noir, hard shadows.');
    expect(providerPrompt(DEFAULT_CATALOGUE, 'a cat', null)).toBe('a cat');
    expect(providerPrompt(DEFAULT_CATALOGUE, 'a cat', 'none')).toBe('a cat');
  });
});
