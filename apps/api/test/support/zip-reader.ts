import yauzl from 'yauzl';

export interface ZipEntryRead {
  name: string;
  bytes: Buffer;
  compressionMethod: number;
}

/** Opens a zip held in memory (yauzl) and reads every entry; rejects if the zip is not valid. */
export function readZip(zip: Buffer): Promise<Map<string, ZipEntryRead>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true, validateEntrySizes: true, strictFileNames: true }, (err, file) => {
      if (err || !file) return reject(err ?? new Error('no zip file'));
      const entries = new Map<string, ZipEntryRead>();
      file.on('error', reject);
      file.on('end', () => resolve(entries));
      file.on('entry', (entry: yauzl.Entry) => {
        file.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            entries.set(entry.fileName, { name: entry.fileName, bytes: Buffer.concat(chunks), compressionMethod: entry.compressionMethod });
            file.readEntry();
          });
        });
      });
      file.readEntry();
    });
  });
}
