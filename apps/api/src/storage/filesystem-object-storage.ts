import { createHash, randomUUID } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { assertPutOptions } from './object-metadata';
import type { GetObjectOptions, ObjectHead, ObjectRead, ObjectStorage, ObjectSummary, PutObjectOptions, StoredObject } from './object-storage';
import { assertStorageKey, assertStoragePrefix } from './storage-key';
import { StorageObjectNotFoundException, StorageObjectTooLargeException, StorageRangeNotSatisfiableException } from './storage.exception';

/**
 * Each object is ONE file: a fixed-size metadata header followed by the bytes. One file means one
 * atomic rename commits bytes and metadata together, and a reader's open descriptor keeps seeing
 * the version it opened even while a writer replaces it; a data file plus a separate sidecar
 * could be left mismatched by two concurrent puts. The header is written last, at offset 0,
 * once size and SHA-256 are known.
 */
export const OBJECT_HEADER_BYTES = 8192;
const HEADER_MAGIC = 'soar2-object v1\n';
/** "~" is not allowed in keys, so an object file never collides with a directory of the same prefix (keys "a/b" and "a/b/c"). */
const OBJECT_SUFFIX = '~obj';
/** A temp file nobody has written to for this long belongs to a crashed process. */
const STALE_TEMP_MS = 60 * 60 * 1000;
const COMMIT_ATTEMPTS = 5;

interface ObjectHeader {
  contentType: string;
  size: number;
  sha256: string;
  createdAt: string;
  metadata: Record<string, string>;
}

/** Filesystem driver: objects under `<root>/objects`, uploads in progress under `<root>/tmp` (same filesystem, so rename is atomic). */
export class FilesystemObjectStorage implements ObjectStorage {
  private readonly objectsDir: string;
  private readonly tempDir: string;
  private ready: Promise<void> | undefined;

  constructor(rootDir: string) {
    this.objectsDir = path.join(path.resolve(rootDir), 'objects');
    this.tempDir = path.join(path.resolve(rootDir), 'tmp');
  }

  async put(key: string, body: Readable | Buffer, options: PutObjectOptions): Promise<StoredObject> {
    assertStorageKey(key);
    assertPutOptions(options);
    await this.ensureDirs();
    const temp = path.join(this.tempDir, `${randomUUID()}.part`);
    const handle = await open(temp, 'wx', 0o600);
    let handleOpen = true;
    try {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of Buffer.isBuffer(body) ? [body] : body) {
        const bytes = toBuffer(chunk);
        if (options.maxBytes !== undefined && size + bytes.length > options.maxBytes) throw new StorageObjectTooLargeException(options.maxBytes);
        hash.update(bytes);
        await writeAll(handle, bytes, OBJECT_HEADER_BYTES + size);
        size += bytes.length;
      }
      const stored: StoredObject = { key, size, sha256: hash.digest('hex'), contentType: options.contentType };
      const header: ObjectHeader = { contentType: stored.contentType, size, sha256: stored.sha256, createdAt: new Date().toISOString(), metadata: { ...options.metadata } };
      await writeAll(handle, encodeHeader(header), 0);
      await handle.datasync();
      handleOpen = false;
      await handle.close();
      await this.commit(temp, this.fileFor(key));
      return stored;
    } catch (err) {
      if (handleOpen) await handle.close().catch(() => undefined);
      await rm(temp, { force: true });
      throw err;
    }
  }

  async get(key: string, options: GetObjectOptions = {}): Promise<ObjectRead> {
    assertStorageKey(key);
    const handle = await this.openObject(key);
    try {
      const head = await readHeader(handle, key);
      const { range } = options;
      if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.start <= range.end && range.end < head.size)) {
        throw new StorageRangeNotSatisfiableException(head.size);
      }
      const start = range?.start ?? 0;
      const end = range?.end ?? head.size - 1;
      const extra = range ? { range: { start, end } } : {};
      if (end < start) {
        await handle.close();
        return { ...head, ...extra, stream: Readable.from([]) };
      }
      // The stream owns the descriptor from here on and closes it when it ends or is destroyed.
      return { ...head, ...extra, stream: handle.createReadStream({ start: OBJECT_HEADER_BYTES + start, end: OBJECT_HEADER_BYTES + end, ...readChunk(options.readChunkBytes) }) };
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
  }

  async head(key: string): Promise<ObjectHead> {
    assertStorageKey(key);
    const handle = await this.openObject(key);
    try {
      return await readHeader(handle, key);
    } finally {
      await handle.close();
    }
  }

  async exists(key: string): Promise<boolean> {
    assertStorageKey(key);
    try {
      return (await stat(this.fileFor(key))).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertStorageKey(key);
    const file = this.fileFor(key);
    await rm(file, { force: true });
    await this.pruneEmptyDirs(path.dirname(file));
  }

  async *list(prefix: string): AsyncGenerator<ObjectSummary> {
    assertStoragePrefix(prefix);
    const cut = prefix.lastIndexOf('/');
    yield* this.walk(cut < 0 ? '' : prefix.slice(0, cut), prefix);
  }

  /** Yields the objects under the directory of `dirKey` in key order, descending only where `prefix` can still match. */
  private async *walk(dirKey: string, prefix: string): AsyncGenerator<ObjectSummary> {
    let entries: Dirent[];
    try {
      entries = await readdir(dirKey ? path.join(this.objectsDir, ...dirKey.split('/')) : this.objectsDir, { withFileTypes: true });
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    // A directory sorts as "name/", which places it exactly where its keys fall in key order.
    const items = entries
      .map((e) => {
        if (e.isDirectory()) return { name: e.name, dir: true, sortKey: `${e.name}/` };
        if (e.isFile() && e.name.endsWith(OBJECT_SUFFIX)) {
          const name = e.name.slice(0, -OBJECT_SUFFIX.length);
          return { name, dir: false, sortKey: name };
        }
        return undefined;
      })
      .filter((item) => item !== undefined)
      .sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
    for (const item of items) {
      const key = dirKey ? `${dirKey}/${item.name}` : item.name;
      if (item.dir) {
        if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`)) yield* this.walk(key, prefix);
      } else if (key.startsWith(prefix)) {
        try {
          const st = await stat(this.fileFor(key));
          yield { key, size: Math.max(0, st.size - OBJECT_HEADER_BYTES), lastModified: new Date(st.mtimeMs) };
        } catch (err) {
          if (!isMissing(err)) throw err; // deleted while listing
        }
      }
    }
  }

  private fileFor(key: string): string {
    return `${path.join(this.objectsDir, ...key.split('/'))}${OBJECT_SUFFIX}`;
  }

  private async openObject(key: string): Promise<FileHandle> {
    try {
      return await open(this.fileFor(key), 'r');
    } catch (err) {
      if (isMissing(err)) throw new StorageObjectNotFoundException();
      throw err;
    }
  }

  private async commit(temp: string, file: string): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      try {
        await rename(temp, file);
        return;
      } catch (err) {
        // A concurrent delete may prune the directory between mkdir and rename.
        if (!isMissing(err) || attempt >= COMMIT_ATTEMPTS) throw err;
      }
    }
  }

  /** Removes directories left empty by a delete, so per-object prefixes do not pile up. */
  private async pruneEmptyDirs(dir: string): Promise<void> {
    for (let d = dir; d.startsWith(`${this.objectsDir}${path.sep}`); d = path.dirname(d)) {
      try {
        await rmdir(d);
      } catch {
        return; // not empty, already gone, or recreated by a put: all fine
      }
    }
  }

  private ensureDirs(): Promise<void> {
    if (!this.ready) {
      const ready = (async () => {
        await mkdir(this.objectsDir, { recursive: true, mode: 0o700 });
        await mkdir(this.tempDir, { recursive: true, mode: 0o700 });
        await this.removeStaleTempFiles();
      })();
      this.ready = ready;
      // Retry on the next put after a failure (the directory may be fixed meanwhile).
      ready.catch(() => {
        if (this.ready === ready) this.ready = undefined;
      });
    }
    return this.ready;
  }

  private async removeStaleTempFiles(): Promise<void> {
    const cutoff = Date.now() - STALE_TEMP_MS;
    for (const name of await readdir(this.tempDir)) {
      const file = path.join(this.tempDir, name);
      const st = await stat(file).catch(() => undefined);
      if (st?.isFile() && st.mtimeMs < cutoff) await rm(file, { force: true });
    }
  }
}

const MAX_READ_CHUNK_BYTES = 8 * 1024 * 1024;

/** A stream highWaterMark from the caller's hint, within 1 byte..8 MiB; Node's default (64 KiB) without one. */
function readChunk(bytes: number | undefined): { highWaterMark?: number } {
  if (bytes === undefined || !Number.isSafeInteger(bytes) || bytes < 1) return {};
  return { highWaterMark: Math.min(bytes, MAX_READ_CHUNK_BYTES) };
}

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('The object body must be a byte stream, not an object-mode stream.');
}

async function writeAll(handle: FileHandle, bytes: Buffer, position: number): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset, position + offset);
    offset += bytesWritten;
  }
}

function encodeHeader(header: ObjectHeader): Buffer {
  const text = `${HEADER_MAGIC}${JSON.stringify(header)}\n`;
  const bytes = Buffer.alloc(OBJECT_HEADER_BYTES, 0x20);
  // The metadata rules (object-metadata.ts) keep the JSON far below the header size.
  if (Buffer.byteLength(text) > OBJECT_HEADER_BYTES) throw new Error('object metadata does not fit the header');
  bytes.write(text, 0, 'utf8');
  return bytes;
}

async function readHeader(handle: FileHandle, key: string): Promise<ObjectHead> {
  const bytes = Buffer.alloc(OBJECT_HEADER_BYTES);
  const { bytesRead } = await handle.read(bytes, 0, OBJECT_HEADER_BYTES, 0);
  const text = bytes.toString('utf8', 0, bytesRead);
  if (bytesRead < OBJECT_HEADER_BYTES || !text.startsWith(HEADER_MAGIC)) throw new Error(`stored object "${key}" has no valid header`);
  const h = JSON.parse(text.slice(HEADER_MAGIC.length)) as ObjectHeader;
  return { key, size: h.size, sha256: h.sha256, contentType: h.contentType, createdAt: new Date(h.createdAt), metadata: h.metadata };
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
