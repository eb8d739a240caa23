// Conditional request headers (RFC 9110 §13) for objects whose entity tag is their SHA-256.

const ENTITY_TAG = /(W\/)?"[\x21\x23-\x7e\x80-\xff]*"/g;

/** Whether If-None-Match matches `etag`, by weak comparison (§13.1.2): a match answers 304. */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = withoutWeakPrefix(etag);
  return (header.match(ENTITY_TAG) ?? []).some((tag) => withoutWeakPrefix(tag) === opaque);
}

/**
 * Whether a Range header may be honoured under If-Range (§13.1.5): only a strong entity tag equal
 * to the current one keeps it. A date never matches, as no Last-Modified is sent.
 */
export function ifRangeAllowsRange(header: string | undefined, etag: string): boolean {
  if (header === undefined) return true;
  const value = header.trim();
  return !value.startsWith('W/') && value === etag;
}

function withoutWeakPrefix(tag: string): string {
  return tag.startsWith('W/') ? tag.slice(2) : tag;
}
