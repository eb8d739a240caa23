import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { mkdir, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { setImmediate as nextTick } from 'node:timers/promises';
import { FilesystemObjectStorage } from './filesystem-object-storage';
import type { ObjectSummary } from './object-storage';

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** Compares large buffers by length and digest: Jest's deep equality walks them byte by byte, slowly. */
const fingerprint = (bytes: Buffer | undefined) => ({ length: bytes?.length, sha256: bytes && sha256(bytes) });

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A byte stream that yields between chunks, so concurrent writers really interleave. */
function chunked(bytes: Buffer, size = 16 * 1024): Readable {
  return Readable.from(
    (async function* () {
      for (let i = 0; i < bytes.length; i += size) {
        await nextTick();
        yield bytes.subarray(i, i + size);
      }
    })(),
  );
}

function failingAfter(bytes: Buffer): Readable {
  return Readable.from(
    (async function* () {
      yield bytes;
      await nextTick();
      throw new Error('upload interrupted');
    })(),
  );
}

async function collect(iterable: AsyncIterable<ObjectSummary>): Promise<ObjectSummary[]> {
  const out: ObjectSummary[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Every file below `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('FilesystemObjectStorage', () => {
  let root: string;
  let storage: FilesystemObjectStorage;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'soar2-storage-spec-'));
    storage = new FilesystemObjectStorage(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores a streamed body and reads back the same bytes, size, SHA-256 (as crypto computes it), type and metadata', async () => {
    const bytes = randomBytes(200_000);
    const stored = await storage.put('videos/v1/video.mp4', chunked(bytes), { contentType: 'video/mp4', metadata: { 'generation-id': 'gen_1' } });
    expect(stored).toEqual({ key: 'videos/v1/video.mp4', size: bytes.length, sha256: sha256(bytes), contentType: 'video/mp4' });

    const read = await storage.get('videos/v1/video.mp4');
    expect(fingerprint(await readAll(read.stream))).toEqual(fingerprint(bytes));
    expect(read).toMatchObject({ key: 'videos/v1/video.mp4', size: bytes.length, sha256: sha256(bytes), contentType: 'video/mp4', metadata: { 'generation-id': 'gen_1' } });
    expect(read.range).toBeUndefined();

    const head = await storage.head('videos/v1/video.mp4');
    expect(head).toMatchObject({ size: bytes.length, sha256: sha256(bytes), contentType: 'video/mp4', metadata: { 'generation-id': 'gen_1' } });
    expect(head.createdAt).toBeInstanceOf(Date);
    expect(Number.isNaN(head.createdAt.getTime())).toBe(false);
    expect(await storage.exists('videos/v1/video.mp4')).toBe(true);
  });

  it('stores a Buffer body and a multi-megabyte stream', async () => {
    const small = Buffer.from('hello');
    expect((await storage.put('a.txt', small, { contentType: 'text/plain' })).sha256).toBe(sha256(small));
    expect(await readAll((await storage.get('a.txt')).stream)).toEqual(small);

    const big = randomBytes(5 * 1024 * 1024 + 7);
    const stored = await storage.put('big.bin', chunked(big, 64 * 1024), { contentType: 'application/octet-stream' });
    expect(stored.sha256).toBe(sha256(big));
    expect(sha256(await readAll((await storage.get('big.bin')).stream))).toBe(sha256(big));
  });

  it('reads in chunks of the size asked for (capped at 8 MiB), the same bytes either way', async () => {
    const big = randomBytes(3 * 1024 * 1024 + 5);
    await storage.put('chunks.bin', big, { contentType: 'application/octet-stream' });
    const sizes = async (readChunkBytes?: number): Promise<number[]> => {
      const read = await storage.get('chunks.bin', readChunkBytes === undefined ? {} : { readChunkBytes });
      const seen: number[] = [];
      const parts: Buffer[] = [];
      for await (const c of read.stream) {
        seen.push((c as Buffer).length);
        parts.push(c as Buffer);
      }
      expect(sha256(Buffer.concat(parts))).toBe(sha256(big));
      return seen;
    };
    expect(Math.max(...(await sizes()))).toBe(64 * 1024);
    expect(await sizes(1024 * 1024)).toEqual([1024 * 1024, 1024 * 1024, 1024 * 1024, 5]);
    expect(await sizes(64 * 1024 * 1024)).toEqual([3 * 1024 * 1024 + 5]);
    expect(Math.max(...(await sizes(0)))).toBe(64 * 1024);
  });

  it('stores an empty object', async () => {
    const stored = await storage.put('empty', Buffer.alloc(0), { contentType: 'application/octet-stream' });
    expect(stored).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)) });
    const read = await storage.get('empty');
    expect(read.size).toBe(0);
    expect(await readAll(read.stream)).toEqual(Buffer.alloc(0));
    await expect(storage.get('empty', { range: { start: 0, end: 0 } })).rejects.toMatchObject({ code: 'RANGE_NOT_SATISFIABLE' });
  });

  it('reads exactly the bytes of a range and keeps the whole size', async () => {
    const bytes = randomBytes(10_000);
    await storage.put('r.bin', bytes, { contentType: 'application/octet-stream' });
    const mid = await storage.get('r.bin', { range: { start: 100, end: 199 } });
    expect(mid).toMatchObject({ size: 10_000, range: { start: 100, end: 199 }, sha256: sha256(bytes) });
    expect(await readAll(mid.stream)).toEqual(bytes.subarray(100, 200));
    expect(await readAll((await storage.get('r.bin', { range: { start: 9_999, end: 9_999 } })).stream)).toEqual(bytes.subarray(9_999));
    expect(fingerprint(await readAll((await storage.get('r.bin', { range: { start: 0, end: 9_999 } })).stream))).toEqual(fingerprint(bytes));
  });

  it.each([
    { start: 0, end: 10_000 },
    { start: 10_000, end: 10_000 },
    { start: 5, end: 4 },
    { start: -1, end: 3 },
    { start: 0.5, end: 3 },
  ])('refuses the range %j outside a 10000-byte object with RANGE_NOT_SATISFIABLE', async (range) => {
    await storage.put('r.bin', randomBytes(10_000), { contentType: 'application/octet-stream' });
    await expect(storage.get('r.bin', { range })).rejects.toMatchObject({ code: 'RANGE_NOT_SATISFIABLE', status: 416 });
  });

  it('answers a missing object with OBJECT_NOT_FOUND (404) from get and head, and false from exists', async () => {
    await expect(storage.get('nope/x')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', status: 404 });
    await expect(storage.head('nope/x')).rejects.toMatchObject({ code: 'OBJECT_NOT_FOUND', status: 404 });
    expect(await storage.exists('nope/x')).toBe(false);
  });

  it('rejects invalid keys in every operation and writes nothing outside its directory', async () => {
    const body = Buffer.from('x');
    await expect(storage.put('../escape', body, { contentType: 'text/plain' })).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY', status: 400 });
    await expect(storage.put('a/../../escape', body, { contentType: 'text/plain' })).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
    await expect(storage.get('/etc/passwd')).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
    await expect(storage.head('a//b')).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
    await expect(storage.exists('a\\b')).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
    await expect(storage.delete('a\0b')).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
    await expect(collect(storage.list('../'))).rejects.toMatchObject({ code: 'INVALID_STORAGE_KEY' });
    await expect(stat(path.join(root, '..', 'escape~obj'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await filesUnder(root)).toEqual([]);
  });

  it('rejects invalid metadata before reading the body', async () => {
    const body = new PassThrough();
    await expect(storage.put('k', body, { contentType: 'not a type' })).rejects.toMatchObject({ code: 'INVALID_STORAGE_METADATA', status: 400 });
    body.destroy();
    expect(await filesUnder(root)).toEqual([]);
  });

  it('replaces an object on a second put', async () => {
    await storage.put('k', Buffer.from('first'), { contentType: 'text/plain', metadata: { v: '1' } });
    await storage.put('k', Buffer.from('second!'), { contentType: 'text/markdown' });
    const read = await storage.get('k');
    expect(await readAll(read.stream)).toEqual(Buffer.from('second!'));
    expect(read).toMatchObject({ size: 7, contentType: 'text/markdown', metadata: {} });
  });

  it('ends concurrent puts to one key with exactly one complete object whose bytes match its SHA-256', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => randomBytes(150_000 + i * 1000));
    const results = await Promise.all(bodies.map((b) => storage.put('same/key', chunked(b), { contentType: 'application/octet-stream' })));
    expect(results.map((r) => r.sha256)).toEqual(bodies.map(sha256));

    const read = await storage.get('same/key');
    const bytes = await readAll(read.stream);
    const winner = bodies.find((b) => sha256(b) === read.sha256);
    expect(winner).toBeDefined();
    expect(fingerprint(bytes)).toEqual(fingerprint(winner));
    expect(read.size).toBe(winner?.length);
    expect(await collect(storage.list(''))).toHaveLength(1);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('lets a reader finish the version it opened while a put replaces the object', async () => {
    const first = randomBytes(100_000);
    const second = randomBytes(50_000);
    await storage.put('k', first, { contentType: 'application/octet-stream' });
    const reading = await storage.get('k');
    await storage.put('k', second, { contentType: 'application/octet-stream' });
    expect(fingerprint(await readAll(reading.stream))).toEqual(fingerprint(first));
    expect(fingerprint(await readAll((await storage.get('k')).stream))).toEqual(fingerprint(second));
  });

  it('leaves no object and no temp file when the input stream errors', async () => {
    await expect(storage.put('broken/new', failingAfter(randomBytes(50_000)), { contentType: 'video/mp4' })).rejects.toThrow('upload interrupted');
    expect(await storage.exists('broken/new')).toBe(false);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('leaves no temp file when the input stream is destroyed mid-way, and keeps the previous version intact', async () => {
    const previous = Buffer.from('previous version');
    await storage.put('k', previous, { contentType: 'text/plain' });
    const body = new PassThrough();
    body.write(randomBytes(10_000));
    const putting = storage.put('k', body, { contentType: 'text/plain' });
    await nextTick();
    body.destroy();
    await expect(putting).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
    expect(await readAll((await storage.get('k')).stream)).toEqual(previous);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('refuses a body over maxBytes with OBJECT_TOO_LARGE (413) and keeps nothing of it', async () => {
    await expect(storage.put('big', chunked(randomBytes(100_000)), { contentType: 'video/mp4', maxBytes: 50_000 })).rejects.toMatchObject({
      code: 'OBJECT_TOO_LARGE',
      status: 413,
    });
    await expect(storage.put('big', randomBytes(11), { contentType: 'video/mp4', maxBytes: 10 })).rejects.toMatchObject({ code: 'OBJECT_TOO_LARGE' });
    expect(await filesUnder(root)).toEqual([]);
    expect((await storage.put('fits', randomBytes(10), { contentType: 'video/mp4', maxBytes: 10 })).size).toBe(10);
  });

  it('refuses an object-mode stream and keeps nothing', async () => {
    await expect(storage.put('k', Readable.from([{ not: 'bytes' }]), { contentType: 'application/json' })).rejects.toThrow(/byte stream/);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('deletes idempotently, removing directories left empty but not siblings', async () => {
    await storage.put('videos/v1/video.mp4', Buffer.from('v'), { contentType: 'video/mp4' });
    await storage.put('videos/v1/thumb.jpg', Buffer.from('t'), { contentType: 'image/jpeg' });
    await storage.put('videos/v2/video.mp4', Buffer.from('w'), { contentType: 'video/mp4' });

    await storage.delete('videos/v1/video.mp4');
    await storage.delete('videos/v1/video.mp4');
    await storage.delete('never/existed');
    expect(await storage.exists('videos/v1/video.mp4')).toBe(false);
    expect(await storage.exists('videos/v1/thumb.jpg')).toBe(true);

    await storage.delete('videos/v1/thumb.jpg');
    await expect(stat(path.join(root, 'objects', 'videos', 'v1'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await collect(storage.list('videos/'))).map((o) => o.key)).toEqual(['videos/v2/video.mp4']);
  });

  it('lists by plain string prefix in key order, with a key and keys under it side by side', async () => {
    const keys = ['z', 'a/b/c', 'ab', 'a/bc/d', 'a/b', 'a/b-x', 'a/b.x', 'a/a'];
    for (const key of keys) await storage.put(key, Buffer.from(key), { contentType: 'text/plain' });

    const keysOf = async (prefix: string) => (await collect(storage.list(prefix))).map((o) => o.key);
    expect(await keysOf('')).toEqual([...keys].sort());
    expect(await keysOf('a/b')).toEqual(['a/b', 'a/b-x', 'a/b.x', 'a/b/c', 'a/bc/d']);
    expect(await keysOf('a/b/')).toEqual(['a/b/c']);
    expect(await keysOf('a')).toEqual(['a/a', 'a/b', 'a/b-x', 'a/b.x', 'a/b/c', 'a/bc/d', 'ab']);
    expect(await keysOf('a/b/c')).toEqual(['a/b/c']);
    expect(await keysOf('nothing/')).toEqual([]);
    expect(await keysOf('zz')).toEqual([]);

    const [first] = await collect(storage.list('a/bc/'));
    expect(first).toEqual({ key: 'a/bc/d', size: 6, lastModified: expect.any(Date) });
    expect(await readAll((await storage.get('a/b')).stream)).toEqual(Buffer.from('a/b'));
  });

  it('lists nothing, and finds nothing, before the first put', async () => {
    expect(await collect(storage.list(''))).toEqual([]);
    expect(await storage.exists('a')).toBe(false);
    await storage.delete('a');
  });

  it('removes temp files abandoned by a crashed process on its first put, keeping recent ones', async () => {
    await mkdir(path.join(root, 'tmp'), { recursive: true });
    const stale = path.join(root, 'tmp', 'stale.part');
    const fresh = path.join(root, 'tmp', 'fresh.part');
    await writeFile(stale, 'half an upload');
    await writeFile(fresh, 'an upload in progress');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);

    await storage.put('k', Buffer.from('x'), { contentType: 'text/plain' });
    expect(await readdir(path.join(root, 'tmp'))).toEqual(['fresh.part']);
  });
});
