import { ProviderVideo, findReconciledVideo } from './provider';
import { addToPreferences, classifyPromptType, emptyPreferences } from './preferences';

const video = (over: Partial<ProviderVideo>): ProviderVideo => ({
  id: 'v1', status: 'queued', progress: 0, model: 'sora-2', seconds: '12', size: '1280x720', prompt: 'a fox', createdAt: 1000, expiresAt: null, error: null, ...over,
});

describe('findReconciledVideo', () => {
  const req = { model: 'sora-2', prompt: 'a fox', seconds: 12, size: '1280x720' };
  it('finds the video a lost create started, oldest unclaimed match first', () => {
    const list = [video({ id: 'b', createdAt: 1010 }), video({ id: 'a', createdAt: 1005 }), video({ id: 'c', prompt: 'other' })];
    expect(findReconciledVideo(list, req, 1000, new Set())?.id).toBe('a');
    expect(findReconciledVideo(list, req, 1000, new Set(['a']))?.id).toBe('b');
  });
  it('ignores older videos and other parameters', () => {
    expect(findReconciledVideo([video({ createdAt: 500 })], req, 1000, new Set())).toBeUndefined();
    expect(findReconciledVideo([video({ size: '720x1280' })], req, 1000, new Set())).toBeUndefined();
  });
});

describe('preferences', () => {
  it('counts styles, prompt types and models', () => {
    let p = emptyPreferences();
    p = addToPreferences(p, { style: 'anime', prompt: 'a cat on a roof', model: 'sora-2' });
    p = addToPreferences(p, { style: null, prompt: 'neon city at night', model: 'sora-2' });
    expect(p).toEqual({ styles: { anime: 1, none: 1 }, promptTypes: { animals: 1, city: 1 }, models: { 'sora-2': 2 }, jobs: 2 });
    expect(classifyPromptType('zzz')).toBe('other');
  });
});
