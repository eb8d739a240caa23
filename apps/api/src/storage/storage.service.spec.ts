import { mkdtempSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { ConfigValidationError, loadConfig } from '../config/app-config';
import { HealthRegistry } from '../health/health-registry';
import { FilesystemObjectStorage } from './filesystem-object-storage';
import type { GetObjectOptions, ObjectRead } from './object-storage';
import { createObjectStorage } from './storage.module';
import { StorageService } from './storage.service';

/** Flips the first byte of every read: storage that "works" but returns the wrong bytes. */
class CorruptingStorage extends FilesystemObjectStorage {
  override async get(key: string, options?: GetObjectOptions): Promise<ObjectRead> {
    const read = await super.get(key, options);
    const chunks: Buffer[] = [];
    for await (const chunk of read.stream) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    bytes[0] = (bytes[0] ?? 0) ^ 0xff;
    return { ...read, stream: Readable.from([bytes]) };
  }
}

async function readiness(service: StorageService, registry: HealthRegistry) {
  service.onModuleInit();
  return (await registry.run()).storage;
}

describe('StorageService readiness check', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'soar2-storage-service-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('reports storage up after a write, read-back and delete, leaving no probe object behind', async () => {
    const registry = new HealthRegistry();
    const driver = new FilesystemObjectStorage(root);
    expect(await readiness(new StorageService(driver, registry), registry)).toMatchObject({ status: 'up' });
    const left = [];
    for await (const o of driver.list('')) left.push(o);
    expect(left).toEqual([]);
  });

  it('reports storage down when the bytes read back differ from those written', async () => {
    const registry = new HealthRegistry();
    const check = await readiness(new StorageService(new CorruptingStorage(root), registry), registry);
    expect(check).toMatchObject({ status: 'down', detail: 'storage probe read back different bytes than it wrote' });
  });

  it('reports storage down, naming the step and error code but no path, when the directory cannot be written', async () => {
    const blocker = path.join(root, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const registry = new HealthRegistry();
    const check = await readiness(new StorageService(new FilesystemObjectStorage(path.join(blocker, 'storage')), registry), registry);
    expect(check).toMatchObject({ status: 'down', detail: 'storage write failed (ENOTDIR)' });
  });
});

describe('storage configuration', () => {
  it('defaults STORAGE_DRIVER to the filesystem driver under DATA_DIR/storage', () => {
    const config = loadConfig({ DATA_DIR: '/srv/soar2' });
    expect(config.storage).toEqual({ driver: 'fs', dir: '/srv/soar2/storage' });
    expect(createObjectStorage(config.storage)).toBeInstanceOf(FilesystemObjectStorage);
  });

  it('refuses an unknown STORAGE_DRIVER with a sentence naming the variable', () => {
    expect(() => loadConfig({ STORAGE_DRIVER: 's3' })).toThrow(ConfigValidationError);
    expect(() => loadConfig({ STORAGE_DRIVER: 's3' })).toThrow('STORAGE_DRIVER must be one of fs (got "s3").');
  });
});
