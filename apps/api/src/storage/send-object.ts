import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { errorBody } from '../errors/error-body';
import { ifNoneMatchMatches, ifRangeAllowsRange } from './conditional-request';
import { Disposition, contentDisposition } from './content-disposition';
import type { ByteRange, ObjectRead, ObjectStorage } from './object-storage';
import { RangeDecision, contentRange, parseRangeHeader, unsatisfiedContentRange } from './range-header';
import { STORAGE_ERROR_CODES, StorageRangeNotSatisfiableException } from './storage.exception';

export interface SendObjectOptions {
  /** File name offered to the browser; implies `attachment` unless `disposition` is given. */
  downloadName?: string;
  disposition?: Disposition;
  /** Objects hold personal data: by default no shared cache may keep them, and browsers revalidate (a cheap 304). */
  cacheControl?: string;
}

const DEFAULT_CACHE_CONTROL = 'private, no-cache';
const ATTEMPTS = 3;

/**
 * Answers a GET or HEAD with a stored object: 200, 206 for one byte range, 304 when If-None-Match
 * matches the ETag (the SHA-256), 416 for an unsatisfiable range. A missing object throws
 * StorageObjectNotFoundException before anything is written, so the error filter answers 404.
 * Resolves once the body is sent (or the client went away).
 */
export async function sendObject(storage: ObjectStorage, req: Request, res: Response, key: string, options: SendObjectOptions = {}): Promise<void> {
  const cacheControl = options.cacheControl ?? DEFAULT_CACHE_CONTROL;
  for (let attempt = 1; ; attempt += 1) {
    const head = await storage.head(key);
    const etag = `"${head.sha256}"`;
    if (ifNoneMatchMatches(req.headers['if-none-match'], etag)) {
      res.status(304).setHeader('ETag', etag).setHeader('Cache-Control', cacheControl).end();
      return;
    }
    const decision: RangeDecision = ifRangeAllowsRange(single(req.headers['if-range']), etag) ? parseRangeHeader(req.headers.range, head.size) : { kind: 'whole' };
    if (decision.kind === 'unsatisfiable') {
      res.status(416).setHeader('Content-Range', unsatisfiedContentRange(head.size));
      res.json(errorBody(416, 'RANGE_NOT_SATISFIABLE', STORAGE_ERROR_CODES.RANGE_NOT_SATISFIABLE));
      return;
    }
    const range: ByteRange | undefined = decision.kind === 'partial' ? { start: decision.start, end: decision.end } : undefined;

    let read: ObjectRead | undefined;
    if (req.method !== 'HEAD') {
      // head and get are two reads: if the object was replaced in between, start over with its new metadata.
      try {
        read = await storage.get(key, range ? { range } : {});
      } catch (err) {
        if (err instanceof StorageRangeNotSatisfiableException && attempt < ATTEMPTS) continue;
        throw err;
      }
      if (read.sha256 !== head.sha256) {
        read.stream.destroy();
        if (attempt < ATTEMPTS) continue;
        throw new Error('the object kept changing while it was being sent');
      }
    }

    res.status(range ? 206 : 200);
    // setHeader, not Express's res.set: that one would append a charset to the stored content type.
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('ETag', etag);
    res.setHeader('Content-Type', head.contentType);
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : head.size));
    res.setHeader('Cache-Control', cacheControl);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (range) res.setHeader('Content-Range', contentRange(range.start, range.end, head.size));
    if (options.downloadName !== undefined || options.disposition !== undefined) {
      res.setHeader('Content-Disposition', contentDisposition(options.disposition ?? 'attachment', options.downloadName));
    }
    if (!read) {
      res.end();
      return;
    }
    try {
      await pipeline(read.stream, res);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return; // the client went away
      throw err;
    }
    return;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
