import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/** Passes bytes through while hashing and counting them; `sha256`/`size` are final once the stream ended. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256');
  size = 0;
  sha256 = '';

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.sha256 = this.hash.digest('hex');
    done();
  }
}
