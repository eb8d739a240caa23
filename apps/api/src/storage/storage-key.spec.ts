import { MAX_STORAGE_KEY_LENGTH, MAX_STORAGE_KEY_SEGMENT_LENGTH, assertStorageKey, assertStoragePrefix, storageKeyProblem, storagePrefixProblem } from './storage-key';
import { InvalidStorageKeyException } from './storage.exception';

describe('storage keys', () => {
  it.each([
    'videos/0b7c6f1e-3d7a-4f0e-9a51-2f8f6d1c9e21/video.mp4',
    'thumbnails/abc.jpg',
    'a',
    'A-Z_a-z.0-9',
    '.hidden/file',
    '..x/y..',
    'a/b/c/d/e/f',
  ])('accepts %s', (key) => {
    expect(storageKeyProblem(key)).toBeUndefined();
  });

  it.each([
    ['', /empty/],
    ['/abs/path', /relative/],
    ['a//b', /empty segment/],
    ['a/b/', /empty segment/],
    ['../etc/passwd', /"\." or "\.\."/],
    ['a/../b', /"\." or "\.\."/],
    ['a/./b', /"\." or "\.\."/],
    ['..', /"\." or "\.\."/],
    ['a\\b', /backslash/],
    ['a\0b', /NUL/],
    ['a b', /only letters/],
    ['a~obj', /only letters/],
    ['vidéo.mp4', /only letters/],
    ['a%2F..', /only letters/],
    ['a?b', /only letters/],
  ])('rejects %j', (key, reason) => {
    expect(storageKeyProblem(key)).toMatch(reason);
  });

  it('bounds the length of the key and of each segment', () => {
    const segment = 'x'.repeat(MAX_STORAGE_KEY_SEGMENT_LENGTH);
    expect(storageKeyProblem(segment)).toBeUndefined();
    expect(storageKeyProblem(`${segment}x`)).toMatch(/segment is longer/);
    const longest = `${Array.from({ length: 5 }, () => segment).join('/')}/${'z'.repeat(19)}`;
    expect(longest).toHaveLength(MAX_STORAGE_KEY_LENGTH);
    expect(storageKeyProblem(longest)).toBeUndefined();
    expect(storageKeyProblem(`${longest}z`)).toMatch(/longer than 1024 characters/);
    expect(storagePrefixProblem(`${longest}z`)).toMatch(/longer than 1024 characters/);
  });

  it('rejects values that are not strings without throwing a TypeError', () => {
    expect(storageKeyProblem(undefined as unknown as string)).toMatch(/empty/);
    expect(storagePrefixProblem(42 as unknown as string)).toMatch(/not a string/);
  });

  it('throws InvalidStorageKeyException, a 400 with code INVALID_STORAGE_KEY and the reason in the message', () => {
    const thrown = captureError(() => assertStorageKey('a/../b'));
    expect(thrown).toBeInstanceOf(InvalidStorageKeyException);
    expect(thrown).toMatchObject({ code: 'INVALID_STORAGE_KEY', status: 400 });
    expect((thrown as Error).message).toBe('The storage key is not valid: it has a "." or ".." segment.');
    expect(() => assertStorageKey('ok/key')).not.toThrow();
  });
});

describe('storage listing prefixes', () => {
  it.each(['', 'videos/', 'videos/ab', 'a', 'a/b/c/', 'a/b.', 'a/..x', 'a/.'])('accepts %j', (prefix) => {
    expect(storagePrefixProblem(prefix)).toBeUndefined();
  });

  it.each([
    ['/videos', /relative/],
    ['a//b', /empty segment/],
    ['//', /relative/],
    ['../a', /"\." or "\.\."/],
    ['a/../', /"\." or "\.\."/],
    ['a\\', /backslash/],
    ['a\0', /NUL/],
    ['a*', /only letters/],
  ])('rejects %j', (prefix, reason) => {
    expect(storagePrefixProblem(prefix)).toMatch(reason);
  });

  it('throws InvalidStorageKeyException for a bad prefix', () => {
    expect(() => assertStoragePrefix('../')).toThrow(InvalidStorageKeyException);
  });
});

function captureError(fn: () => void): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}
