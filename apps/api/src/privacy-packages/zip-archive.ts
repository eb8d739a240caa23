// archiver 8 is an ES module. Node 20.19+ loads it with require(). Jest's module registry cannot
// (it supports require(esm) only on Node 24.9+) and hands test code a `Module` subclass whose
// createRequire stays in that registry; the parent class is Node's own, so its createRequire is
// used when present. Outside Jest, `Module.Module` is Node's class itself and its own createRequire is used.
import * as nodeModule from 'node:module';
import type { CoreOptions, EntryData, ZipArchive, ZipOptions } from 'archiver' with { 'resolution-mode': 'import' };

type ArchiverModule = typeof import('archiver', { with: { 'resolution-mode': 'import' } });
type CreateRequire = typeof nodeModule.createRequire;

function nodeCreateRequire(): CreateRequire {
  const parent = Object.getPrototypeOf(nodeModule.Module) as { createRequire?: CreateRequire } | null;
  return typeof parent?.createRequire === 'function' ? parent.createRequire : nodeModule.createRequire;
}

let archiverModule: ArchiverModule | undefined;

export type { EntryData, ZipArchive };

/** A streaming zip writer (archiver's ZipArchive). */
export function createZipArchive(options: CoreOptions & ZipOptions): ZipArchive {
  archiverModule ??= nodeCreateRequire()(__filename)('archiver') as ArchiverModule;
  return new archiverModule.ZipArchive(options);
}
