import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { Express, NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { StorageService } from '../src/storage/storage.service';
import { TestApp, startTestApp } from './support/test-app';

const ROUTE = '/__test/storage';

/**
 * Mounts a test-only route that calls StorageService.sendObject the way a controller would. Nest
 * added its 404 handler and its error handler as the last two layers at init, so the new layer
 * is moved just ahead of them: everything else still runs first, and next(err) reaches Nest's
 * error handler, hence the API's exception filter, as a controller's exception would.
 */
function mountTestRoute(app: INestApplication): void {
  const storage = app.get(StorageService);
  const express = app.getHttpAdapter().getInstance() as Express;
  express.get(ROUTE, (req: Request, res: Response, next: NextFunction) => {
    const name = typeof req.query.name === 'string' ? req.query.name : undefined;
    storage.sendObject(req, res, String(req.query.key), name === undefined ? {} : { downloadName: name }).catch(next);
  });
  const stack = (express.router as unknown as { stack: unknown[] }).stack;
  const route = stack.pop();
  stack.splice(stack.length - 2, 0, route);
}

describe('storage: readiness and object delivery over HTTP', () => {
  let t: TestApp;
  const bytes = randomBytes(1000);
  const etag = `"${createHash('sha256').update(bytes).digest('hex')}"`;
  const get = (key = 'e2e/clip.mp4') => request(t.server).get(ROUTE).query({ key }).responseType('blob');

  beforeAll(async () => {
    t = await startTestApp();
    mountTestRoute(t.app);
    await t.app.get(StorageService).put('e2e/clip.mp4', bytes, { contentType: 'video/mp4' });
  });
  afterAll(() => t.close());

  it('reports storage up in /health/ready, next to the database', async () => {
    const r = await request(t.server).get('/health/ready').expect(200);
    expect(r.body.status).toBe('ok');
    expect(r.body.checks.storage.status).toBe('up');
    expect(r.body.checks.database.status).toBe('up');
  });

  it('answers 200 with the whole object, its type, length, ETag and Accept-Ranges', async () => {
    const r = await get().expect(200);
    expect(r.headers['content-type']).toBe('video/mp4');
    expect(r.headers['content-length']).toBe('1000');
    expect(r.headers['accept-ranges']).toBe('bytes');
    expect(r.headers.etag).toBe(etag);
    expect(r.headers['cache-control']).toBe('private, no-cache');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-range']).toBeUndefined();
    expect(Buffer.compare(r.body as Buffer, bytes)).toBe(0);
  });

  it.each([
    ['bytes=100-199', 100, 199],
    ['bytes=990-', 990, 999],
    ['bytes=-10', 990, 999],
    ['bytes=0-0', 0, 0],
    ['bytes=500-5000', 500, 999],
  ])('answers Range %s with 206 and exactly those bytes', async (range, start, end) => {
    const r = await get().set('Range', range).expect(206);
    expect(r.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
    expect(r.headers['content-length']).toBe(String(end - start + 1));
    expect(r.headers['content-type']).toBe('video/mp4');
    expect(r.headers.etag).toBe(etag);
    expect(Buffer.compare(r.body as Buffer, bytes.subarray(start, end + 1))).toBe(0);
  });

  it('answers an unsatisfiable range with 416, Content-Range bytes */size and the error shape', async () => {
    const r = await request(t.server).get(ROUTE).query({ key: 'e2e/clip.mp4' }).set('Range', 'bytes=1000-').expect(416);
    expect(r.headers['content-range']).toBe('bytes */1000');
    expect(r.body).toEqual({
      statusCode: 416,
      error: 'Range Not Satisfiable',
      code: 'RANGE_NOT_SATISFIABLE',
      message: 'The requested byte range lies outside the object.',
    });
  });

  it('ignores malformed and multi-range headers and serves the whole object', async () => {
    for (const range of ['bytes=abc', 'bytes=0-9,20-29', 'items=0-9', 'bytes=9-0']) {
      const r = await get().set('Range', range).expect(200);
      expect(Buffer.compare(r.body as Buffer, bytes)).toBe(0);
    }
  });

  it('answers If-None-Match with the current ETag with 304 and no body, and another tag with 200', async () => {
    const r = await get().set('If-None-Match', etag).expect(304);
    expect(r.headers.etag).toBe(etag);
    expect((r.body as Buffer).length).toBe(0);
    await get().set('If-None-Match', `W/${etag}`).expect(304);
    await get().set('If-None-Match', '"stale-version"').expect(200);
  });

  it('serves the whole object when If-Range names another version, and the range when it names this one', async () => {
    const stale = await get().set('Range', 'bytes=0-9').set('If-Range', '"stale-version"').expect(200);
    expect((stale.body as Buffer).length).toBe(1000);
    const current = await get().set('Range', 'bytes=0-9').set('If-Range', etag).expect(206);
    expect(Buffer.compare(current.body as Buffer, bytes.subarray(0, 10))).toBe(0);
  });

  it('answers HEAD with the same headers and no body', async () => {
    const r = await request(t.server).head(ROUTE).query({ key: 'e2e/clip.mp4' }).set('Range', 'bytes=0-99').expect(206);
    expect(r.headers['content-length']).toBe('100');
    expect(r.headers['content-range']).toBe('bytes 0-99/1000');
    expect(r.headers.etag).toBe(etag);
  });

  it('offers a download name as an attachment', async () => {
    const r = await request(t.server).get(ROUTE).query({ key: 'e2e/clip.mp4', name: 'my clip é.mp4' }).responseType('blob').expect(200);
    expect(r.headers['content-disposition']).toBe(`attachment; filename="my clip _.mp4"; filename*=UTF-8''my%20clip%20%C3%A9.mp4`);
  });

  it('answers a missing object with 404 OBJECT_NOT_FOUND and a bad key with 400 INVALID_STORAGE_KEY, in the API error shape', async () => {
    const missing = await request(t.server).get(ROUTE).query({ key: 'e2e/missing.mp4' }).expect(404);
    expect(missing.body).toEqual({ statusCode: 404, error: 'Not Found', code: 'OBJECT_NOT_FOUND', message: 'The stored object was not found.' });
    const bad = await request(t.server).get(ROUTE).query({ key: '../../etc/passwd' }).expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'INVALID_STORAGE_KEY' });
  });
});

describe('storage readiness with an unusable storage directory', () => {
  let t: TestApp;

  beforeAll(async () => {
    const blocker = path.join(mkdtempSync(path.join(tmpdir(), 'soar2-storage-e2e-')), 'a-file');
    writeFileSync(blocker, 'not a directory');
    t = await startTestApp({ env: { STORAGE_DIR: path.join(blocker, 'storage') } });
  });
  afterAll(() => t.close());

  it('still starts, and /health/ready answers 503 with storage down and the failing step', async () => {
    const r = await request(t.server).get('/health/ready').expect(503);
    expect(r.body.status).toBe('unavailable');
    expect(r.body.checks.storage).toMatchObject({ status: 'down', detail: 'storage write failed (ENOTDIR)' });
    expect(r.body.checks.database.status).toBe('up');
  });
});
