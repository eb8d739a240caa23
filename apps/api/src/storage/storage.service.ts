import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HealthRegistry } from '../health/health-registry';
import type { GetObjectOptions, ObjectHead, ObjectRead, ObjectStorage, ObjectSummary, PutObjectOptions, StoredObject } from './object-storage';
import { SendObjectOptions, sendObject } from './send-object';

/** The configured ObjectStorage driver (see storage.module.ts); tests may override it. */
export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');

const PROBE_PREFIX = 'health-probes';

/** What other modules use to keep and serve objects: the driver's operations, plus HTTP delivery. */
@Injectable()
export class StorageService implements ObjectStorage, OnModuleInit {
  constructor(
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
    private readonly health: HealthRegistry,
  ) {}

  onModuleInit(): void {
    this.health.register('storage', () => this.probe());
  }

  put(key: string, body: Readable | Buffer, options: PutObjectOptions): Promise<StoredObject> {
    return this.storage.put(key, body, options);
  }

  get(key: string, options?: GetObjectOptions): Promise<ObjectRead> {
    return this.storage.get(key, options);
  }

  head(key: string): Promise<ObjectHead> {
    return this.storage.head(key);
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
    return sendObject(this.storage, req, res, key, options);
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
