import { DEFAULT_CATALOGUE } from './catalogue';
import { validateVideoRequest } from './validation';

const base = { prompt: 'A fox in the snow', model: 'sora-2', seconds: 20, size: '1280x720' };

describe('validateVideoRequest', () => {
  it('accepts a valid request and normalises it', () => {
    expect(validateVideoRequest({ ...base, seconds: '8', style: 'anime' }, DEFAULT_CATALOGUE)).toEqual({
      ok: true,
      value: { prompt: 'A fox in the snow', model: 'sora-2', seconds: 8, size: '1280x720', style: 'anime' },
    });
  });

  it('names every bad field with a reason', () => {
    const r = validateVideoRequest({ prompt: '   ', model: 'sora-9', seconds: 7, size: '1x1', style: 'pop' }, DEFAULT_CATALOGUE);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(Object.keys(r.errors).sort()).toEqual(['model', 'prompt', 'size', 'style']);
    expect(r.errors.prompt).toMatch(/empty/);
  });

  it('refuses over-long prompts, seconds the model does not make, sizes it does not make', () => {
    const r = validateVideoRequest({ ...base, prompt: 'x'.repeat(2001), seconds: 6, size: '1792x1024' }, DEFAULT_CATALOGUE);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.prompt).toMatch(/2001 characters/);
    expect(r.errors.seconds).toMatch(/4, 8, 12, 20/);
    expect(r.errors.size).toMatch(/does not make 1792x1024/);
  });

  it('checks the reference image type, size and dimensions', () => {
    const ref = (over: object) => validateVideoRequest({ ...base, reference: { contentType: 'image/png', bytes: 100, width: 1280, height: 720, ...over } }, DEFAULT_CATALOGUE);
    expect(ref({}).ok).toBe(true);
    const errorOf = (r: ReturnType<typeof ref>) => (r.ok ? undefined : r.errors.inputReference);
    expect(errorOf(ref({ contentType: 'image/gif' }))).toMatch(/PNG, JPEG or WebP/);
    expect(errorOf(ref({ bytes: 11 * 1024 * 1024 }))).toMatch(/limit/);
    expect(errorOf(ref({ width: 640, height: 480 }))).toMatch(/640x480.*1280x720/);
    expect(errorOf(ref({ width: undefined }))).toMatch(/could not be read/);
  });
});
