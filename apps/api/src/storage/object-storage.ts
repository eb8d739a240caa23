import type { Readable } from 'node:stream';

/**
 * Object storage as the rest of the API sees it: flat keys (see storage-key.ts), streamed bodies,
 * a SHA-256 per object and a little metadata. Nothing here assumes a filesystem.
 *
 * How an S3 driver satisfies it (`@aws-sdk/client-s3`, later):
 * - put: `Upload` from `@aws-sdk/lib-storage` streams the body in parts; the driver hashes the
 *   stream as it goes and sends the digest as `x-amz-checksum-sha256` (base64 of the same bytes
 *   as our hex) with `ChecksumAlgorithm: 'SHA256'`, so S3 verifies it. A failed upload is aborted
 *   (AbortMultipartUpload), leaving no object. Content type → `ContentType`; user metadata →
 *   `x-amz-meta-*` (hence the 2 KiB, lowercase-key limits); sha256 is also kept as
 *   `x-amz-meta-sha256`, because ranged GETs and multipart objects do not return the
 *   full-object checksum.
 * - get: `GetObject` with `Range: bytes=start-end`; the body is already a Node Readable.
 * - head/exists: `HeadObject` (404 → StorageObjectNotFoundException / false).
 * - delete: `DeleteObject`, which is idempotent in S3 too.
 * - list: `ListObjectsV2` with `Prefix`, following `ContinuationToken`; S3 also lists in key order.
 * - PUT replaces atomically in S3, as the rename does here.
 */
export interface ObjectStorage {
  /** Stores `body` under `key`, replacing any previous object atomically; a failed body stores nothing. */
  put(key: string, body: Readable | Buffer, options: PutObjectOptions): Promise<StoredObject>;
  /**
   * Opens the object (or one byte range of it) for reading. The caller must consume or destroy
   * `stream`. A range outside the object throws StorageRangeNotSatisfiableException.
   */
  get(key: string, options?: GetObjectOptions): Promise<ObjectRead>;
  /** The object's metadata; throws StorageObjectNotFoundException when absent. */
  head(key: string): Promise<ObjectHead>;
  exists(key: string): Promise<boolean>;
  /** Removes the object; deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  /** Every object whose key starts with `prefix` (plain string prefix, as in S3), in key order. */
  list(prefix: string): AsyncIterable<ObjectSummary>;
}

export interface PutObjectOptions {
  contentType: string;
  /** Small string pairs kept with the object: lowercase keys, printable ASCII values, 2 KiB in all. */
  metadata?: Record<string, string>;
  /** Refuse the object (storing nothing) once the body exceeds this many bytes. */
  maxBytes?: number;
}

export interface StoredObject {
  key: string;
  size: number;
  /** Lowercase hex SHA-256 of the bytes. */
  sha256: string;
  contentType: string;
}

export interface ObjectHead extends StoredObject {
  createdAt: Date;
  metadata: Record<string, string>;
}

/** Inclusive byte positions, as in HTTP: {start: 0, end: 99} is the first 100 bytes. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface GetObjectOptions {
  range?: ByteRange;
  /** Size of the chunks the stream reads, in bytes (a hint: bulk copies read in larger chunks; drivers may ignore it). */
  readChunkBytes?: number;
}

export interface ObjectRead extends ObjectHead {
  stream: Readable;
  /** Present when a range was asked for; `size` stays the size of the whole object. */
  range?: ByteRange;
}

export interface ObjectSummary {
  key: string;
  size: number;
  lastModified: Date;
}
