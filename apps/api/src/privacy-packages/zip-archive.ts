// archiver 8 is an ES module. Node 20.19+ loads it with require(); Jest's own module loader cannot
// (it supports require(esm) only on Node 24.9+), so it is required through Node's loader here.
import { createRequire } from 'node:module';
import type { CoreOptions, EntryData, ZipArchive, ZipOptions } from 'archiver' with { 'resolution-mode': 'import' };

type ArchiverModule = typeof import('archiver', { with: { 'resolution-mode': 'import' } });

const nodeRequire = createRequire(__filename);

export type { EntryData, ZipArchive };

/** A streaming zip writer (archiver's ZipArchive). */
export function createZipArchive(options: CoreOptions & ZipOptions): ZipArchive {
  const { ZipArchive: Zip } = nodeRequire('archiver') as ArchiverModule;
  return new Zip(options);
}
