// Checks a video request against the catalogue before anything is screened, held or sent.
import { Catalogue, VideoSize, VIDEO_SIZES, findModel, findStyle } from './catalogue';

export interface ReferenceImageFacts {
  contentType: string;
  bytes: number;
  /** Pixel dimensions as read from the file; absent when the file could not be read as an image. */
  width?: number;
  height?: number;
}

export interface VideoRequestInput {
  prompt?: unknown;
  model?: unknown;
  seconds?: unknown;
  size?: unknown;
  style?: unknown;
  reference?: ReferenceImageFacts;
}

export interface ValidVideoRequest {
  prompt: string;
  model: string;
  seconds: number;
  size: VideoSize;
  style: string | null;
}

export type ValidationResult = { ok: true; value: ValidVideoRequest } | { ok: false; errors: Record<string, string> };

/** Validates a request; every problem is reported under its field name with a sentence a person can act on. */
export function validateVideoRequest(input: VideoRequestInput, catalogue: Catalogue): ValidationResult {
  const errors: Record<string, string> = {};
  const prompt = typeof input.prompt === 'string' ? input.prompt.trim() : '';
  if (input.prompt !== undefined && typeof input.prompt !== 'string') errors.prompt = 'The prompt must be text.';
  else if (prompt.length === 0) errors.prompt = 'Describe the video: the prompt is empty.';
  else if (prompt.length > catalogue.maxPromptLength) errors.prompt = `The prompt is ${prompt.length} characters long; the limit is ${catalogue.maxPromptLength}.`;

  const modelId = typeof input.model === 'string' ? input.model : '';
  const model = findModel(catalogue, modelId);
  if (!model) errors.model = `Choose a model: ${catalogue.models.map((m) => m.id).join(', ')}.`;

  const seconds = typeof input.seconds === 'number' ? input.seconds : typeof input.seconds === 'string' && /^\d+$/.test(input.seconds) ? Number(input.seconds) : NaN;
  if (model && !model.seconds.includes(seconds)) errors.seconds = `${model.id} makes videos of ${model.seconds.join(', ')} seconds.`;
  else if (!model && !Number.isInteger(seconds)) errors.seconds = 'The length must be a whole number of seconds.';

  const size = typeof input.size === 'string' ? input.size : '';
  if (!(VIDEO_SIZES as readonly string[]).includes(size)) errors.size = `The size must be one of ${VIDEO_SIZES.join(', ')}.`;
  else if (model && !model.sizes.includes(size as VideoSize)) errors.size = `${model.id} does not make ${size} videos; it makes ${model.sizes.join(', ')}.`;

  let style: string | null = null;
  if (input.style !== undefined && input.style !== null && input.style !== '') {
    if (typeof input.style !== 'string' || !findStyle(catalogue, input.style)) errors.style = `The style must be one of ${catalogue.styles.map((s) => s.id).join(', ')}.`;
    else style = input.style;
  }

  if (input.reference) {
    const problem = referenceProblem(input.reference, size, catalogue);
    if (problem) errors.inputReference = problem;
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { prompt, model: modelId, seconds, size: size as VideoSize, style } };
}

function referenceProblem(ref: ReferenceImageFacts, size: string, catalogue: Catalogue): string | undefined {
  if (!catalogue.referenceTypes.includes(ref.contentType)) return `The reference image must be PNG, JPEG or WebP (got ${ref.contentType || 'an unknown type'}).`;
  if (ref.bytes > catalogue.maxReferenceBytes) return `The reference image is ${ref.bytes} bytes; the limit is ${catalogue.maxReferenceBytes} bytes.`;
  if (ref.bytes === 0) return 'The reference image is empty.';
  if (ref.width === undefined || ref.height === undefined) return 'The reference image could not be read as an image.';
  const [w, h] = size.split('x').map(Number);
  if (w !== undefined && h !== undefined && (ref.width !== w || ref.height !== h)) {
    return `The reference image is ${ref.width}x${ref.height}; it must have the video's size, ${size}.`;
  }
  return undefined;
}
