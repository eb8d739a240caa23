import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { Inject, Injectable, OnModuleInit, Optional } from '@nestjs/common';
import { SEALED_STREAM_HEADER_BYTES, SEALED_STREAM_SEGMENT_BYTES, planSealedRange, sealedStreamPlaintextSize, sealedStreamSize } from '@soar2/privacy';
import type { Request, Response } from 'express';
import { DataKeysService } from '../data-keys/data-keys.service';
import { HealthRegistry } from '../health/health-registry';
import type { GetObjectOptions, ObjectHead, ObjectRead, ObjectStorage, ObjectSummary, PutObjectOptions, StoredObject } from './object-storage';
import { SendObjectOptions, sendObject } from './send-object';
import { StorageRangeNotSatisfiableException } from './storage.exception';

/** The configured ObjectStorage driver (see storage.module.ts); tests may override it. */
export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');

const PROBE_PREFIX = 'health-probes';

/** Metadata of an object sealed with its owner's data key (decision 018). */
export const SEALED_OWNER_METADATA = 'sealed-owner';
const SEALED_SEGMENT_METADATA = 'sealed-segment';
const READ_ATTEMPTS = 3;

/** The context a sealed object is bound to: moved to another key, it no longer opens. */
export function sealedObjectContext(key: string): string {
  return `storage:${key}`;
}

export interface StoragePutOptions extends PutObjectOptions {
  /** Seal the object with this user's data key (crypto-shredding): reads open it, and fail with 410 once the user was erased. */
  sealFor?: string;
}

export interface StoredPlainObject extends StoredObject {
  /** For a sealed object: the plaintext's size and SHA-256 (`size`/`sha256` describe the stored, sealed bytes). */
  plaintext?: { size: number; sha256: string };
}

/** What other modules use to keep and serve objects: the driver's operations, plus HTTP delivery. */
@Injectable()
export class StorageService implements ObjectStorage, OnModuleInit {
  constructor(
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly health: HealthRegistry,
    // Optional so the storage works without a database (unit specs); the app always has it (global module).
    @Optional() private readonly dataKeys?: DataKeysService,
  ) {}

  onModuleInit(): void {
    this.health.register('storage', () => this.probe());
  }

  /**
   * Stores an object. With `sealFor`, the bytes are sealed as they stream with that user's data key
   * (sealed-stream format, bound to the key); `maxBytes` still counts plaintext bytes.
   */
  async put(key: string, body: Readable | Buffer, options: StoragePutOptions): Promise<StoredPlainObject> {
    const { sealFor, ...plain } = options;
    if (sealFor === undefined) return this.storage.put(key, body, plain);
    const seal = await this.keys().sealStream(sealFor, sealedObjectContext(key));
    const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
    const sealed = pipeline(source, seal, () => undefined);
    const stored = await this.storage.put(key, sealed, {
      ...plain,
      metadata: { ...plain.metadata, [SEALED_OWNER_METADATA]: sealFor, [SEALED_SEGMENT_METADATA]: String(SEALED_STREAM_SEGMENT_BYTES) },
      ...(plain.maxBytes !== undefined ? { maxBytes: sealedStreamSize(plain.maxBytes) } : {}),
    });
    return { ...stored, plaintext: { size: seal.plaintextBytes, sha256: seal.plaintextSha256 } };
  }

  /**
   * Opens an object or a byte range of it. A sealed object is opened with its owner's key: `size`
   * and `range` are plaintext positions, `sha256` stays the stored bytes' (the ETag). Throws
   * DataKeyDestroyedException (410) before any byte when the owner was erased.
   */
  async get(key: string, options: GetObjectOptions = {}): Promise<ObjectRead> {
    if (!options.range) {
      const read = await this.storage.get(key, options);
      const sealed = sealing(read);
      if (!sealed) return read;
      let open;
      try {
        open = await this.keys().openStream(sealed.owner, sealedObjectContext(key));
      } catch (err) {
        read.stream.destroy();
        throw err;
      }
      return { ...read, size: sealedStreamPlaintextSize(read.size, sealed.segmentBytes), stream: pipeline(read.stream, open, () => undefined) };
    }
    for (let attempt = 1; ; attempt += 1) {
      const head = await this.storage.head(key);
      const sealed = sealing(head);
      if (!sealed) return this.storage.get(key, options);
      const size = sealedStreamPlaintextSize(head.size, sealed.segmentBytes);
      const { start, end } = options.range;
      if (start > end || end >= size) throw new StorageRangeNotSatisfiableException(size);
      const plan = planSealedRange(head.size, options.range, sealed.segmentBytes);
      // The header and the segments are two reads: if the object was replaced in between, start over.
      const headerRead = await this.storage.get(key, { range: { start: 0, end: SEALED_STREAM_HEADER_BYTES - 1 } });
      const header = await collect(headerRead.stream);
      if (headerRead.sha256 !== head.sha256) {
        if (attempt < READ_ATTEMPTS) continue;
        throw new Error('the object kept changing while it was being read');
      }
      const open = await this.keys().openStream(sealed.owner, sealedObjectContext(key), { header, plan });
      const body = await this.storage.get(key, { ...options, range: { start: plan.sealedStart, end: plan.sealedEnd } });
      if (body.sha256 !== head.sha256) {
        body.stream.destroy();
        if (attempt < READ_ATTEMPTS) continue;
        throw new Error('the object kept changing while it was being read');
      }
      return { ...body, size, range: options.range, stream: pipeline(body.stream, open, () => undefined) };
    }
  }

  /** Metadata; for a sealed object `size` is the plaintext's and `sha256` the stored bytes'. */
  async head(key: string): Promise<ObjectHead> {
    const head = await this.storage.head(key);
    const sealed = sealing(head);
    return sealed ? { ...head, size: sealedStreamPlaintextSize(head.size, sealed.segmentBytes) } : head;
  }

  /** Whether the object is sealed with a user's data key, and whose. */
  async sealedOwner(key: string): Promise<string | null> {
    return sealing(await this.storage.head(key))?.owner ?? null;
  }

  exists(key: string): Promise<boolean> {
    return this.storage.exists(key);
  }

  delete(key: string): Promise<void> {
    return this.storage.delete(key);
  }

  list(prefix: string): AsyncIterable<ObjectSummary> {
    return this.storage.list(prefix);
  }

  /** Answers a GET/HEAD with the object: 200/206/304/416 (see send-object.ts). For controllers using @Res(). */
  sendObject(req: Request, res: Response, key: string, options?: SendObjectOptions): Promise<void> {
    return sendObject(this, req, res, key, options);
  }

  private keys(): DataKeysService {
    if (!this.dataKeys) throw new Error('Sealed objects need the DataKeysModule.');
    return this.dataKeys;
  }

  /**
   * Readiness: write a small object, read it back, check its checksum, delete it. A fresh key per
   * probe, so replicas sharing the storage never step on each other's probe.
   */
  async probe(): Promise<void> {
    const key = `${PROBE_PREFIX}/${randomUUID()}`;
    const bytes = randomBytes(64);
    const expected = createHash('sha256').update(bytes).digest('hex');
    let stored: StoredObject | undefined;
    try {
      stored = await step('write', () => this.storage.put(key, bytes, { contentType: 'application/octet-stream' }));
      const read = await step('read', () => this.storage.get(key));
      const hash = createHash('sha256');
      await step('read', async () => {
        for await (const chunk of read.stream) hash.update(chunk as Buffer);
      });
      if (stored.sha256 !== expected || read.sha256 !== expected || hash.digest('hex') !== expected) {
        throw new Error('storage probe read back different bytes than it wrote');
      }
    } finally {
      if (stored) await step('delete', () => this.storage.delete(key));
    }
  }
}

/** Runs one probe step, reporting failures by step and error code only: /health/ready is public, paths stay private. */
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`storage ${name} failed${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}

function sealing(head: { metadata: Record<string, string> }): { owner: string; segmentBytes: number } | undefined {
  const owner = head.metadata[SEALED_OWNER_METADATA];
  if (owner === undefined) return undefined;
  return { owner, segmentBytes: Number(head.metadata[SEALED_SEGMENT_METADATA] ?? SEALED_STREAM_SEGMENT_BYTES) };
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
