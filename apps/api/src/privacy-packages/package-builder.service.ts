// Builds one access/portability package: walks every registered personal-data source into temp
// files (records validated one by one), then streams the zip (data.json, csv/, media/, report.pdf,
// manifest.json) straight into storage. Memory stays flat: records are on disk between the two
// phases, media are streamed from storage, and the zip flows into the storage put with backpressure.
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { once } from 'node:events';
import { PassThrough, Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { Injectable } from '@nestjs/common';
import {
  CsvColumns,
  type CsvValue,
  DATA_JSON_SCHEMA_ID,
  DATA_JSON_STREAM,
  EXPORT_SCHEMA_VERSION,
  type ExportedRecord,
  MANIFEST_SCHEMA_ID,
  type ManifestFile,
  type PackageManifest,
  accessReportSections,
  csvLine,
  csvPathFor,
  csvRecordLine,
  flattenRecord,
  mediaPathFor,
} from '@soar2/privacy';
import { PersonalDataRegistry, type PersonalDataSource } from '../personal-data/personal-data.registry';
import { StorageService } from '../storage/storage.service';
import type { StoredObject } from '../storage/object-storage';
import type { AccessPackageFormat } from './access-package.entity';
import { DigestStream } from './entry-digest';
import { describeErrors, exportValidators } from './export-validator';
import { AccessPackageBuildInterruptedException, AccessPackageInvalidException } from './privacy-packages.exception';
import { renderReportPdf } from './report-pdf';
import { type EntryData, type ZipArchive, createZipArchive } from './zip-archive';

export interface PackageBuildSpec {
  packageId: string;
  userId: string;
  requestId: string | null;
  format: AccessPackageFormat;
  /** Where the zip goes; written by one atomic put, so it is either complete or absent. */
  storageKey: string;
  generatedAt: Date;
  signal: AbortSignal;
  onCategoryDone(done: number, total: number): Promise<void>;
  onBytes(bytes: number): void;
}

interface CategoryWork {
  source: PersonalDataSource;
  file: string;
  recordCount: number;
  mediaCount: number;
  columns: string[];
}

interface MediaWork {
  path: string;
  storageKey: string;
  contentType: string;
}

const ZIP_MIME = 'application/zip';
/** Media are copied in 1 MiB chunks: fewer, larger buffers through the zip and hash streams. */
const MEDIA_READ_CHUNK_BYTES = 1024 * 1024;

@Injectable()
export class PackageBuilder {
  constructor(
    private readonly registry: PersonalDataRegistry,
    private readonly storage: StorageService,
  ) {}

  /** Categories a build walks (for the progress total). */
  categoryCount(): number {
    return this.registry.list().length;
  }

  async build(spec: PackageBuildSpec): Promise<StoredObject> {
    const workDir = await mkdtemp(path.join(tmpdir(), 'soar2-package-'));
    try {
      const { categories, media } = await this.collect(spec, workDir);
      return await this.zip(spec, categories, media);
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  }

  /** Phase 1: every source's records into a JSON-lines file each, media references into a list. */
  private async collect(spec: PackageBuildSpec, workDir: string): Promise<{ categories: CategoryWork[]; media: MediaWork[] }> {
    const { record: validateRecord } = exportValidators();
    const sources = this.registry.list();
    const categories: CategoryWork[] = [];
    const media: MediaWork[] = [];
    const mediaPaths = new Set<string>();
    for (const [index, source] of sources.entries()) {
      const file = path.join(workDir, `${index}.jsonl`);
      const out = createWriteStream(file);
      const columns = new CsvColumns();
      let recordCount = 0;
      let mediaCount = 0;
      try {
        for await (const record of untilAborted(source.export({ userId: spec.userId }), spec.signal)) {
          const exported: ExportedRecord = { data: record.data as ExportedRecord['data'] };
          if (record.media?.length) {
            exported.media = [];
            for (const m of record.media) {
              const zipPath = uniquePath(safeMediaPath(m.path, source.category), mediaPaths);
              exported.media.push({ path: zipPath, contentType: m.contentType });
              media.push({ path: zipPath, storageKey: m.storageKey, contentType: m.contentType });
              mediaCount += 1;
            }
          }
          if (!validateRecord(exported)) throw new AccessPackageInvalidException(`a record of ${source.category}`, describeErrors(validateRecord.errors));
          columns.add(flattenRecord(exported.data as Record<string, CsvValue>));
          await write(out, `${JSON.stringify(exported)}\n`);
          recordCount += 1;
        }
      } finally {
        out.end();
        await once(out, 'close');
      }
      categories.push({ source, file, recordCount, mediaCount, columns: columns.columns });
      await spec.onCategoryDone(index + 1, sources.length);
    }
    this.validateEnvelope(spec, categories);
    return { categories, media };
  }

  /** The document without its records must match the schema (each record was checked on its own). */
  private validateEnvelope(spec: PackageBuildSpec, categories: CategoryWork[]): void {
    const { dataJson } = exportValidators();
    const envelope = { ...this.documentHead(spec), categories: categories.map((c) => ({ ...this.categoryHead(c), records: [] })) };
    if (!dataJson(envelope)) throw new AccessPackageInvalidException('data.json', describeErrors(dataJson.errors));
  }

  private documentHead(spec: PackageBuildSpec): Parameters<typeof DATA_JSON_STREAM.open>[0] {
    return {
      schema: DATA_JSON_SCHEMA_ID,
      schemaVersion: EXPORT_SCHEMA_VERSION,
      format: spec.format,
      generatedAt: spec.generatedAt.toISOString(),
      subject: { userId: spec.userId },
      requestId: spec.requestId,
      packageId: spec.packageId,
    };
  }

  private categoryHead(c: CategoryWork): Parameters<typeof DATA_JSON_STREAM.categoryOpen>[0] {
    return {
      category: c.source.category,
      description: c.source.description,
      purposes: c.source.purposes,
      sources: c.source.sources,
      recordCount: c.recordCount,
      csv: csvPathFor(c.source.category),
    };
  }

  /** Phase 2: the zip, entry after entry, streamed into storage; manifest.json last with every checksum. */
  private async zip(spec: PackageBuildSpec, categories: CategoryWork[], media: MediaWork[]): Promise<StoredObject> {
    const archive = createZipArchive({ zlib: { level: 6 } });
    const counted = new PassThrough({ highWaterMark: 1024 * 1024 });
    let bytes = 0;
    counted.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      spec.onBytes(bytes);
    });
    const upload = new PassThrough({ highWaterMark: 1024 * 1024 });
    archive.pipe(counted).pipe(upload);
    // Errors surface through `failure` and the put's rejection; the put may not be reading yet when one happens.
    counted.on('error', () => undefined);
    upload.on('error', () => undefined);
    const stored = this.storage.put(spec.storageKey, upload, { contentType: ZIP_MIME, metadata: { package: spec.packageId } });
    // A failed put (or archive) must not leave the appends waiting forever.
    let failure: Error | undefined;
    const fail = (err: Error): void => {
      failure ??= err;
      archive.abort();
      upload.destroy(err);
    };
    archive.on('error', fail);
    archive.on('warning', fail);
    stored.catch((err: Error) => fail(err));
    const onAbort = (): void => fail(new AccessPackageBuildInterruptedException());
    spec.signal.addEventListener('abort', onAbort, { once: true });

    const files: ManifestFile[] = [];
    const add = async (name: string, contentType: string, body: Readable, store: boolean): Promise<void> => {
      if (failure) throw failure;
      const digest = new DigestStream();
      body.on('error', (err) => digest.destroy(err));
      const done = waitForEntry(archive, name);
      archive.append(body.pipe(digest), { name, store, date: spec.generatedAt });
      await done;
      if (failure) throw failure;
      files.push({ path: name, size: digest.size, sha256: digest.sha256, contentType });
    };

    try {
      await add('data.json', 'application/json', Readable.from(this.dataJsonChunks(spec, categories)), false);
      for (const c of categories) await add(csvPathFor(c.source.category), 'text/csv', Readable.from(csvChunks(c)), false);
      for (const m of media) {
        // Objects sealed with a data key (decision 018) are opened by storage as they stream.
        const read = await this.storage.get(m.storageKey, { readChunkBytes: MEDIA_READ_CHUNK_BYTES });
        // Videos and images are already compressed: stored, not deflated (as `zip -0`).
        await add(m.path, m.contentType, read.stream, true);
      }
      const sections = accessReportSections({
        packageId: spec.packageId,
        format: spec.format,
        generatedAt: spec.generatedAt.toISOString(),
        userId: spec.userId,
        categories: categories.map((c) => ({ ...this.categoryHead(c), mediaCount: c.mediaCount })),
      });
      const pdf = renderReportPdf('Your personal data at Soar2', `Package ${spec.packageId} · generated ${spec.generatedAt.toISOString()}`, sections, spec.generatedAt);
      await add('report.pdf', 'application/pdf', pdf as unknown as Readable, true);
      const manifest: PackageManifest = { schema: MANIFEST_SCHEMA_ID, schemaVersion: EXPORT_SCHEMA_VERSION, packageId: spec.packageId, generatedAt: spec.generatedAt.toISOString(), files };
      const { manifest: validateManifest } = exportValidators();
      if (!validateManifest(manifest)) throw new AccessPackageInvalidException('manifest.json', describeErrors(validateManifest.errors));
      archive.append(Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), { name: 'manifest.json', date: spec.generatedAt });
      await archive.finalize();
      const result = await stored;
      if (failure) throw failure;
      spec.onBytes(result.size);
      return result;
    } catch (err) {
      fail(err as Error);
      await stored.catch(() => undefined);
      throw failure ?? err;
    } finally {
      spec.signal.removeEventListener('abort', onAbort);
    }
  }

  /** data.json as text chunks, records read back from the temp files. */
  private async *dataJsonChunks(spec: PackageBuildSpec, categories: CategoryWork[]): AsyncGenerator<string> {
    yield DATA_JSON_STREAM.open(this.documentHead(spec));
    for (const [i, c] of categories.entries()) {
      if (i > 0) yield ',';
      yield DATA_JSON_STREAM.categoryOpen(this.categoryHead(c));
      let first = true;
      for await (const line of readLines(c.file)) {
        yield first ? line : `,${line}`;
        first = false;
      }
      yield DATA_JSON_STREAM.categoryClose();
    }
    yield DATA_JSON_STREAM.close();
  }
}

/** Iterates `source`, stopping with AccessPackageBuildInterruptedException as soon as `signal` aborts, even while an exporter waits. */
async function* untilAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(new AccessPackageBuildInterruptedException());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted]);
      if (next.done) return;
      yield next.value;
    }
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    if (signal.aborted) void Promise.resolve(iterator.return?.()).catch(() => undefined);
    else await iterator.return?.();
  }
}

async function* csvChunks(c: CategoryWork): AsyncGenerator<string> {
  // A byte-order mark so spreadsheet programs read UTF-8.
  yield `\uFEFF${csvLine(c.columns)}`;
  for await (const line of readLines(c.file)) {
    const record = JSON.parse(line) as ExportedRecord;
    yield csvRecordLine(c.columns, flattenRecord(record.data as Record<string, CsvValue>));
  }
}

async function* readLines(file: string): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) if (line !== '') yield line;
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

/** Resolves when archiver has written the entry (its 'entry' event), rejects on an archive error. */
function waitForEntry(archive: ZipArchive, name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onEntry = (entry: EntryData): void => {
      if (entry.name !== name) return;
      cleanup();
      resolve();
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      archive.off('entry', onEntry);
      archive.off('error', onError);
      archive.off('warning', onError);
      archive.off('close', onClose);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('the archive closed before the entry was written'));
    };
    archive.on('entry', onEntry);
    archive.on('error', onError);
    archive.on('warning', onError);
    archive.on('close', onClose);
  });
}

function safeMediaPath(exporterPath: string, category: string): string {
  try {
    return mediaPathFor(exporterPath);
  } catch (err) {
    throw new AccessPackageInvalidException(`a media path of ${category}`, (err as Error).message);
  }
}

/** Two records naming the same media path get `name-2.ext`, `name-3.ext`… */
function uniquePath(candidate: string, taken: Set<string>): string {
  let result = candidate;
  for (let n = 2; taken.has(result); n += 1) {
    const ext = path.posix.extname(candidate);
    result = `${candidate.slice(0, candidate.length - ext.length)}-${n}${ext}`;
  }
  taken.add(result);
  return result;
}
