// Object keys are the storage's only addressing: the same rules hold for every driver, so a key
// accepted by the filesystem driver is also a valid S3 key (S3 allows a superset).
import { InvalidStorageKeyException } from './storage.exception';

/** S3 caps keys at 1024 bytes; our keys are ASCII, so characters = bytes. */
export const MAX_STORAGE_KEY_LENGTH = 1024;
/** Leaves room under NAME_MAX (255) for the filesystem driver's suffix. */
export const MAX_STORAGE_KEY_SEGMENT_LENGTH = 200;

const SEGMENT_CHARS = /^[A-Za-z0-9._-]+$/;

/** Why `key` is not a valid storage key, or undefined when it is. */
export function storageKeyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'it is empty';
  if (key.length > MAX_STORAGE_KEY_LENGTH) return `it is longer than ${MAX_STORAGE_KEY_LENGTH} characters`;
  return pathProblem(key.split('/'), key.length);
}

/** Why `prefix` is not a valid listing prefix: like a key, but it may be empty, end with "/" or stop mid-segment. */
export function storagePrefixProblem(prefix: string): string | undefined {
  if (typeof prefix !== 'string') return 'it is not a string';
  if (prefix.length === 0) return undefined;
  if (prefix.length > MAX_STORAGE_KEY_LENGTH) return `it is longer than ${MAX_STORAGE_KEY_LENGTH} characters`;
  const segments = prefix.split('/');
  const last = segments.pop() ?? '';
  if (last !== '' && !SEGMENT_CHARS.test(last)) return charProblem(last);
  if (last.length > MAX_STORAGE_KEY_SEGMENT_LENGTH) return `a segment is longer than ${MAX_STORAGE_KEY_SEGMENT_LENGTH} characters`;
  return segments.length === 0 ? undefined : pathProblem(segments, prefix.length);
}

/** Throws InvalidStorageKeyException unless `key` is valid. */
export function assertStorageKey(key: string): void {
  const problem = storageKeyProblem(key);
  if (problem) throw new InvalidStorageKeyException(problem);
}

export function assertStoragePrefix(prefix: string): void {
  const problem = storagePrefixProblem(prefix);
  if (problem) throw new InvalidStorageKeyException(problem);
}

function pathProblem(segments: string[], length: number): string | undefined {
  if (length > 0 && segments[0] === '') return 'it must be relative (no leading "/")';
  for (const segment of segments) {
    if (segment === '') return 'it has an empty segment ("//" or a trailing "/")';
    if (segment === '.' || segment === '..') return 'it has a "." or ".." segment';
    if (!SEGMENT_CHARS.test(segment)) return charProblem(segment);
    if (segment.length > MAX_STORAGE_KEY_SEGMENT_LENGTH) return `a segment is longer than ${MAX_STORAGE_KEY_SEGMENT_LENGTH} characters`;
  }
  return undefined;
}

function charProblem(segment: string): string {
  if (segment.includes('\\')) return 'it contains a backslash';
  if (segment.includes('\0')) return 'it contains a NUL character';
  return 'it may contain only letters, digits, ".", "_", "-" and "/" between segments';
}
