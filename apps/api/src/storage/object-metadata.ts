// Rules for what travels with an object. They follow S3's user-metadata limits (sent as
// x-amz-meta-* headers) so that objects move between drivers unchanged.
import type { PutObjectOptions } from './object-storage';
import { InvalidStorageMetadataException } from './storage.exception';

export const MAX_CONTENT_TYPE_LENGTH = 255;
export const MAX_USER_METADATA_BYTES = 2048;
export const MAX_USER_METADATA_ENTRIES = 32;

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const CONTENT_TYPE = new RegExp(`^${TOKEN}/${TOKEN}([ \\t]*;[\\x20-\\x7e]*)?$`);
const METADATA_KEY = /^[a-z0-9][a-z0-9-]{0,62}$/;
const METADATA_VALUE = /^[\x20-\x7e]*$/;

/** Why these put options are not acceptable, or undefined when they are. */
export function putOptionsProblem(options: PutObjectOptions): string | undefined {
  const { contentType, metadata = {}, maxBytes } = options;
  if (typeof contentType !== 'string' || contentType.length > MAX_CONTENT_TYPE_LENGTH || !CONTENT_TYPE.test(contentType)) {
    return 'the content type must be a media type such as "video/mp4"';
  }
  if (Object.keys(metadata).length > MAX_USER_METADATA_ENTRIES) return `the metadata has more than ${MAX_USER_METADATA_ENTRIES} entries`;
  let total = 0;
  for (const [key, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(key)) return `the metadata key "${key.slice(0, 64)}" must be lowercase letters, digits and "-"`;
    if (typeof value !== 'string' || !METADATA_VALUE.test(value)) return `the metadata value of "${key}" must be printable ASCII`;
    total += key.length + value.length;
  }
  if (total > MAX_USER_METADATA_BYTES) return `the metadata is larger than ${MAX_USER_METADATA_BYTES} bytes`;
  if (maxBytes !== undefined && (!Number.isSafeInteger(maxBytes) || maxBytes < 0)) return 'maxBytes must be a whole number of bytes';
  return undefined;
}

export function assertPutOptions(options: PutObjectOptions): void {
  const problem = putOptionsProblem(options);
  if (problem) throw new InvalidStorageMetadataException(problem);
}
