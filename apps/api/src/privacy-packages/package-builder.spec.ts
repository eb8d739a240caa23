import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { HealthRegistry } from '../health/health-registry';
import { PersonalDataRegistry } from '../personal-data/personal-data.registry';
import { FilesystemObjectStorage } from '../storage/filesystem-object-storage';
import { StorageService } from '../storage/storage.service';
import { PackageBuilder, type PackageBuildSpec } from './package-builder.service';

// The builder against the real filesystem storage: what an interruption or a bad record leaves behind.
describe('PackageBuilder', () => {
  let root: string;
  let storage: StorageService;
  let registry: PersonalDataRegistry;
  let builder: PackageBuilder;
  const userId = randomUUID();

  beforeEach(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'soar2-builder-spec-'));
    storage = new StorageService(new FilesystemObjectStorage(root), new HealthRegistry());
    registry = new PersonalDataRegistry();
    builder = new PackageBuilder(registry, storage);
    await storage.put(`media/${userId}/big.mp4`, randomBytes(8 * 1024 * 1024), { contentType: 'video/mp4' });
    registry.register({
      category: 'generation.videos',
      description: 'Videos',
      purposes: ['service'],
      sources: ['user'],
      async *export() {
        yield { data: { file: 'big.mp4' }, media: [{ path: 'videos/big.mp4', storageKey: `media/${userId}/big.mp4`, contentType: 'video/mp4' }] };
      },
      async erase() {
        return { deleted: 0, anonymised: 0, retained: [] };
      },
    });
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const spec = (signal: AbortSignal, onBytes: (n: number) => void = () => undefined): PackageBuildSpec => ({
    packageId: randomUUID(),
    userId,
    requestId: null,
    format: 'access',
    storageKey: 'privacy-packages/p/attempt-1.zip',
    generatedAt: new Date('2026-01-31T00:00:00Z'),
    signal,
    onCategoryDone: async () => undefined,
    onBytes,
  });

  it('stops while the zip streams into storage when aborted, and leaves neither the object nor a temp file', async () => {
    const abort = new AbortController();
    let seen = 0;
    const build = builder.build(
      spec(abort.signal, (n) => {
        seen = n;
        abort.abort();
      }),
    );
    await expect(build).rejects.toMatchObject({ code: 'ACCESS_PACKAGE_BUILD_INTERRUPTED' });
    expect(seen).toBeGreaterThan(0);
    expect(await storage.exists('privacy-packages/p/attempt-1.zip')).toBe(false);
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });

  it('builds the same package when not aborted: the stored zip holds the media bytes', async () => {
    const stored = await builder.build(spec(new AbortController().signal));
    const read = await storage.get(stored.key);
    const hash = createHash('sha256');
    for await (const c of read.stream) hash.update(c as Buffer);
    expect(hash.digest('hex')).toBe(stored.sha256);
    expect(stored.size).toBeGreaterThan(8 * 1024 * 1024);
  });

  it('fails with ACCESS_PACKAGE_INVALID, storing nothing, when an exporter yields a record outside the schema', async () => {
    registry.register({
      category: 'broken.source',
      description: 'Bad records',
      purposes: ['service'],
      sources: ['system'],
      async *export() {
        yield { data: { ok: true }, media: [{ path: 'a.png', storageKey: 'x', contentType: '' }] };
      },
      async erase() {
        return { deleted: 0, anonymised: 0, retained: [] };
      },
    });
    await expect(builder.build(spec(new AbortController().signal))).rejects.toMatchObject({ code: 'ACCESS_PACKAGE_INVALID' });
    expect(await storage.exists('privacy-packages/p/attempt-1.zip')).toBe(false);
  });

  it('fails with ACCESS_PACKAGE_INVALID when a media path has nothing usable in it', async () => {
    registry.register({
      category: 'broken.paths',
      description: 'Bad paths',
      purposes: ['service'],
      sources: ['system'],
      async *export() {
        yield { data: {}, media: [{ path: '../..', storageKey: 'x', contentType: 'image/png' }] };
      },
      async erase() {
        return { deleted: 0, anonymised: 0, retained: [] };
      },
    });
    await expect(builder.build(spec(new AbortController().signal))).rejects.toMatchObject({ code: 'ACCESS_PACKAGE_INVALID' });
  });
});
