import { MAX_USER_METADATA_BYTES, assertPutOptions, putOptionsProblem } from './object-metadata';
import { InvalidStorageMetadataException } from './storage.exception';

describe('put options', () => {
  it.each(['video/mp4', 'image/jpeg', 'application/zip', 'text/plain; charset=utf-8', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'])(
    'accepts the content type %s',
    (contentType) => {
      expect(putOptionsProblem({ contentType })).toBeUndefined();
    },
  );

  it.each(['', 'video', 'video/', '/mp4', 'video/mp4\r\nX-Evil: 1', 'vidéo/mp4', `video/${'x'.repeat(300)}`])('rejects the content type %j', (contentType) => {
    expect(putOptionsProblem({ contentType })).toMatch(/content type/);
  });

  it('accepts lowercase metadata keys with printable ASCII values', () => {
    expect(putOptionsProblem({ contentType: 'video/mp4', metadata: { 'generation-id': 'gen_123', owner: 'user 42' } })).toBeUndefined();
  });

  it('rejects metadata that could not travel as x-amz-meta-* headers', () => {
    expect(putOptionsProblem({ contentType: 'video/mp4', metadata: { Owner: 'x' } })).toMatch(/metadata key "Owner"/);
    expect(putOptionsProblem({ contentType: 'video/mp4', metadata: { 'a b': 'x' } })).toMatch(/metadata key/);
    expect(putOptionsProblem({ contentType: 'video/mp4', metadata: { note: 'line\nbreak' } })).toMatch(/printable ASCII/);
    expect(putOptionsProblem({ contentType: 'video/mp4', metadata: { note: 'é' } })).toMatch(/printable ASCII/);
    expect(putOptionsProblem({ contentType: 'video/mp4', metadata: { note: 'x'.repeat(MAX_USER_METADATA_BYTES) } })).toMatch(/larger than 2048 bytes/);
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v']));
    expect(putOptionsProblem({ contentType: 'video/mp4', metadata: many })).toMatch(/more than 32 entries/);
  });

  it('rejects a maxBytes that is not a whole number of bytes', () => {
    expect(putOptionsProblem({ contentType: 'video/mp4', maxBytes: -1 })).toMatch(/maxBytes/);
    expect(putOptionsProblem({ contentType: 'video/mp4', maxBytes: 1.5 })).toMatch(/maxBytes/);
    expect(putOptionsProblem({ contentType: 'video/mp4', maxBytes: 0 })).toBeUndefined();
  });

  it('throws InvalidStorageMetadataException, a 400 with code INVALID_STORAGE_METADATA', () => {
    expect(() => assertPutOptions({ contentType: 'nope' })).toThrow(InvalidStorageMetadataException);
    expect(() => assertPutOptions({ contentType: 'nope' })).toThrow(expect.objectContaining({ code: 'INVALID_STORAGE_METADATA', status: 400 }));
  });
});
