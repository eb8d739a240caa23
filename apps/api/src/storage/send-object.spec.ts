import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import express, { NextFunction, Request, Response } from 'express';
import request from 'supertest';
import { FilesystemObjectStorage } from './filesystem-object-storage';
import type { ObjectHead } from './object-storage';
import { sendObject } from './send-object';

/** Replaces the object right after answering the first head(): the race between head and get. */
class ReplacedAfterHead extends FilesystemObjectStorage {
  private replaced = false;
  constructor(
    root: string,
    private readonly next: Buffer,
  ) {
    super(root);
  }

  override async head(key: string): Promise<ObjectHead> {
    const head = await super.head(key);
    if (!this.replaced) {
      this.replaced = true;
      await this.put(key, this.next, { contentType: 'text/plain' });
    }
    return head;
  }
}

describe('sendObject when the object is replaced between its metadata and its bytes', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'soar2-send-object-'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('starts over and answers with the new version, its length and its ETag', async () => {
    const next = Buffer.from('the second, longer version');
    const storage = new ReplacedAfterHead(root, next);
    await storage.put('doc', Buffer.from('first'), { contentType: 'text/plain' });
    const app = express();
    app.get('/doc', (req: Request, res: Response, fail: NextFunction) => {
      sendObject(storage, req, res, 'doc').catch(fail);
    });

    const r = await request(app).get('/doc').set('Range', 'bytes=0-3').expect(206);
    expect(r.text).toBe('the ');
    expect(r.headers['content-range']).toBe(`bytes 0-3/${next.length}`);
    expect(r.headers.etag).toBe(`"${createHash('sha256').update(next).digest('hex')}"`);
    expect(r.headers['content-type']).toBe('text/plain');
  });
});
