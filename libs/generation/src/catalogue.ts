// The models we sell, the lengths and frame sizes each allows, and what a video costs in credits.
// The provider makes at most `maxSecondsPerCall` seconds in one call; longer lengths (the 20-second
// headline) are one create followed by extensions, planned by `planSegments`, under one hold.

export type VideoSize = '720x1280' | '1280x720' | '1024x1792' | '1792x1024';
export const VIDEO_SIZES: readonly VideoSize[] = ['720x1280', '1280x720', '1024x1792', '1792x1024'];

export interface ModelSpec {
  id: string;
  label: string;
  /** Lengths a user may order, in seconds. */
  seconds: readonly number[];
  sizes: readonly VideoSize[];
  /** Credits per second of video, per size. */
  creditsPerSecond: Readonly<Partial<Record<VideoSize, number>>>;
}

export interface StylePreset {
  id: string;
  label: string;
  /** Appended to the prompt sent to the provider (the stored prompt stays the user's). */
  promptSuffix: string;
}

export interface Catalogue {
  models: readonly ModelSpec[];
  styles: readonly StylePreset[];
  /** Lengths one provider call can make (create, extend). */
  providerSeconds: readonly number[];
  maxPromptLength: number;
  /** Largest reference image, bytes. */
  maxReferenceBytes: number;
  referenceTypes: readonly string[];
}

export const DEFAULT_CATALOGUE: Catalogue = {
  models: [
    {
      id: 'sora-2',
      label: 'Sora 2',
      seconds: [4, 8, 12, 20],
      sizes: ['720x1280', '1280x720'],
      creditsPerSecond: { '720x1280': 1, '1280x720': 1 },
    },
    {
      id: 'sora-2-pro',
      label: 'Sora 2 Pro',
      seconds: [4, 8, 12, 20],
      sizes: ['720x1280', '1280x720', '1024x1792', '1792x1024'],
      creditsPerSecond: { '720x1280': 3, '1280x720': 3, '1024x1792': 5, '1792x1024': 5 },
    },
  ],
  styles: [
    { id: 'none', label: 'No preset', promptSuffix: '' },
    { id: 'cinematic', label: 'Cinematic', promptSuffix: 'Cinematic lighting, shallow depth of field, 35mm film look.' },
    { id: 'anime', label: 'Anime', promptSuffix: 'Hand-drawn anime style, vivid colours.' },
    { id: 'documentary', label: 'Documentary', promptSuffix: 'Handheld documentary footage, natural light.' },
    { id: 'noir', label: 'Film noir', promptSuffix: 'Black and white film noir, hard shadows.' },
  ],
  providerSeconds: [4, 8, 12],
  maxPromptLength: 2000,
  maxReferenceBytes: 10 * 1024 * 1024,
  referenceTypes: ['image/png', 'image/jpeg', 'image/webp'],
};

export function findModel(catalogue: Catalogue, id: string): ModelSpec | undefined {
  return catalogue.models.find((m) => m.id === id);
}

export function findStyle(catalogue: Catalogue, id: string): StylePreset | undefined {
  return catalogue.styles.find((s) => s.id === id);
}

/** Credits a video costs; undefined when the model does not offer that size. */
export function priceCredits(catalogue: Catalogue, model: string, seconds: number, size: VideoSize): number | undefined {
  const rate = findModel(catalogue, model)?.creditsPerSecond[size];
  return rate === undefined ? undefined : rate * seconds;
}

/**
 * The provider calls that make `seconds` of video: the longest allowed first call, then extensions
 * until the total is reached (20 → [12, 8]). Throws when no combination of call lengths reaches it.
 */
export function planSegments(seconds: number, providerSeconds: readonly number[]): number[] {
  const lengths = [...providerSeconds].sort((a, b) => b - a);
  if (lengths.length === 0) throw new Error('No provider call lengths are configured.');
  const plan: number[] = [];
  let left = seconds;
  while (left > 0) {
    const exact = lengths.find((l) => l === left);
    const next = exact ?? lengths.find((l) => l < left && canReach(left - l, lengths));
    if (next === undefined) throw new Error(`${seconds} seconds cannot be made from calls of ${lengths.join(', ')} seconds.`);
    plan.push(next);
    left -= next;
  }
  return plan;
}

function canReach(n: number, lengths: readonly number[]): boolean {
  if (n === 0) return true;
  return lengths.some((l) => l <= n && canReach(n - l, lengths));
}

/** The prompt as sent to the provider: the user's words plus the style's suffix. */
export function providerPrompt(catalogue: Catalogue, prompt: string, style: string | null | undefined): string {
  const suffix = style ? (findStyle(catalogue, style)?.promptSuffix ?? '') : '';
  return suffix ? `${prompt.trim()} ${suffix}` : prompt.trim();
}
