// Streaming file encryption with a user's data key (decision 018): a chunked AEAD format so large
// files (videos) are sealed and opened as streams, and any byte range is opened by reading only the
// segments that hold it (HTTP Range on videos). Pure: node:crypto and node:stream only, no I/O.
//
// Layout:  header ‖ segment 0 ‖ segment 1 ‖ … ‖ segment n-1
//   header (33 bytes) = magic "S2SF" ‖ version (1) ‖ segment size (u32 BE) ‖ salt (16) ‖ nonce prefix (8)
//   segment i         = AES-256-GCM(fileKey, nonce = prefix ‖ u32 BE i, aad) ciphertext ‖ tag (16)
//   fileKey           = HKDF-SHA-256(dataKey, salt, "soar2:sealed-stream:v1")
//   aad               = header ‖ u32 BE i ‖ final flag (1 byte) ‖ context (UTF-8)
// Every segment holds exactly `segment size` plaintext bytes except the last (the only one flagged
// final), which holds 0…segment size. So truncation at a segment boundary (the new last segment is
// not flagged final), reordering (index in nonce and AAD), a segment from another file (other
// fileKey) and a file moved to another place (context) all fail authentication.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { EnvelopeError } from './envelope';

const MAGIC = Buffer.from('S2SF', 'ascii');
export const SEALED_STREAM_VERSION = 1;
export const SEALED_STREAM_HEADER_BYTES = 4 + 1 + 4 + 16 + 8;
export const SEALED_STREAM_TAG_BYTES = 16;
/** 64 KiB: small enough that a Range request reads little more than it asks for. */
export const SEALED_STREAM_SEGMENT_BYTES = 64 * 1024;
const MIN_SEGMENT = 16;
const MAX_SEGMENT = 16 * 1024 * 1024;
const MAX_SEGMENTS = 0xffffffff;
const INFO = Buffer.from('soar2:sealed-stream:v1', 'utf8');

export interface SealedStreamHeader {
  segmentBytes: number;
  salt: Buffer;
  noncePrefix: Buffer;
  /** The header's bytes as stored (they are authenticated with every segment). */
  raw: Buffer;
}

function checkSegmentBytes(n: number): void {
  if (!Number.isInteger(n) || n < MIN_SEGMENT || n > MAX_SEGMENT) throw new RangeError(`The segment size must be a whole number between ${MIN_SEGMENT} and ${MAX_SEGMENT} bytes.`);
}

function newHeader(segmentBytes: number): SealedStreamHeader {
  checkSegmentBytes(segmentBytes);
  const salt = randomBytes(16);
  const noncePrefix = randomBytes(8);
  const size = Buffer.alloc(4);
  size.writeUInt32BE(segmentBytes);
  return { segmentBytes, salt, noncePrefix, raw: Buffer.concat([MAGIC, Buffer.from([SEALED_STREAM_VERSION]), size, salt, noncePrefix]) };
}

/** Reads the header at the start of a sealed file; throws EnvelopeError when it is not one. */
export function parseSealedStreamHeader(bytes: Buffer): SealedStreamHeader {
  if (bytes.length < SEALED_STREAM_HEADER_BYTES || !bytes.subarray(0, 4).equals(MAGIC)) throw new EnvelopeError('The file is not a sealed stream.');
  if (bytes[4] !== SEALED_STREAM_VERSION) throw new EnvelopeError(`The sealed stream has version ${bytes[4]}, which this build does not read.`);
  const segmentBytes = bytes.readUInt32BE(5);
  if (segmentBytes < MIN_SEGMENT || segmentBytes > MAX_SEGMENT) throw new EnvelopeError('The sealed stream header names an impossible segment size.');
  const raw = Buffer.from(bytes.subarray(0, SEALED_STREAM_HEADER_BYTES));
  return { segmentBytes, salt: raw.subarray(9, 25), noncePrefix: raw.subarray(25, 33), raw };
}

function fileKey(dataKey: Buffer, header: SealedStreamHeader): Buffer {
  if (dataKey.length !== 32) throw new EnvelopeError('A data key is 32 bytes.');
  return Buffer.from(hkdfSync('sha256', dataKey, header.salt, INFO, 32));
}

function nonceAndAad(header: SealedStreamHeader, index: number, final: boolean, context: Buffer): { nonce: Buffer; aad: Buffer } {
  if (index > MAX_SEGMENTS) throw new EnvelopeError('The file has more segments than the format counts.');
  const counter = Buffer.alloc(4);
  counter.writeUInt32BE(index);
  return { nonce: Buffer.concat([header.noncePrefix, counter]), aad: Buffer.concat([header.raw, counter, Buffer.from([final ? 1 : 0]), context]) };
}

function sealSegment(key: Buffer, header: SealedStreamHeader, index: number, final: boolean, context: Buffer, plaintext: Buffer): Buffer {
  const { nonce, aad } = nonceAndAad(header, index, final, context);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function openSegment(key: Buffer, header: SealedStreamHeader, index: number, final: boolean, context: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < SEALED_STREAM_TAG_BYTES) throw new EnvelopeError('The sealed file is cut short.');
  const { nonce, aad } = nonceAndAad(header, index, final, context);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(sealed.length - SEALED_STREAM_TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - SEALED_STREAM_TAG_BYTES)), decipher.final()]);
  } catch {
    throw new EnvelopeError('A segment of the sealed file does not open (another key, another place, altered, reordered or cut short).');
  }
}

/** Size of the sealed file for a plaintext of `plaintextBytes`. */
export function sealedStreamSize(plaintextBytes: number, segmentBytes = SEALED_STREAM_SEGMENT_BYTES): number {
  checkSegmentBytes(segmentBytes);
  const segments = Math.max(1, Math.ceil(plaintextBytes / segmentBytes));
  return SEALED_STREAM_HEADER_BYTES + plaintextBytes + segments * SEALED_STREAM_TAG_BYTES;
}

/** Plaintext size of a sealed file of `sealedBytes`; throws EnvelopeError when no plaintext has that sealed size. */
export function sealedStreamPlaintextSize(sealedBytes: number, segmentBytes = SEALED_STREAM_SEGMENT_BYTES): number {
  checkSegmentBytes(segmentBytes);
  const body = sealedBytes - SEALED_STREAM_HEADER_BYTES;
  if (!Number.isInteger(sealedBytes) || body < SEALED_STREAM_TAG_BYTES) throw new EnvelopeError('The sealed file is cut short.');
  const whole = segmentBytes + SEALED_STREAM_TAG_BYTES;
  const segments = Math.ceil(body / whole);
  const last = body - (segments - 1) * whole;
  if (last < SEALED_STREAM_TAG_BYTES || (last === SEALED_STREAM_TAG_BYTES && segments > 1)) throw new EnvelopeError('The sealed file is cut short.');
  return body - segments * SEALED_STREAM_TAG_BYTES;
}

/** What to read for one plaintext byte range (inclusive positions, as in HTTP). */
export interface SealedRangePlan {
  /** Inclusive positions in the sealed file of the segments that hold the range (the header is read apart). */
  sealedStart: number;
  sealedEnd: number;
  firstSegment: number;
  segmentCount: number;
  /** Whether the last segment read is the file's final one. */
  lastIsFinal: boolean;
  /** Plaintext bytes to drop from the first segment, then bytes to keep. */
  skip: number;
  take: number;
}

/**
 * The segments to read for plaintext bytes `start..end` (inclusive) of a sealed file of
 * `sealedBytes`. Throws RangeError when the range is not inside the plaintext.
 */
export function planSealedRange(sealedBytes: number, range: { start: number; end: number }, segmentBytes = SEALED_STREAM_SEGMENT_BYTES): SealedRangePlan {
  const plaintext = sealedStreamPlaintextSize(sealedBytes, segmentBytes);
  const { start, end } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start || end >= plaintext) throw new RangeError(`The range ${start}-${end} is not inside a plaintext of ${plaintext} bytes.`);
  const segments = Math.max(1, Math.ceil(plaintext / segmentBytes));
  const firstSegment = Math.floor(start / segmentBytes);
  const lastSegment = Math.floor(end / segmentBytes);
  const whole = segmentBytes + SEALED_STREAM_TAG_BYTES;
  return {
    sealedStart: SEALED_STREAM_HEADER_BYTES + firstSegment * whole,
    sealedEnd: Math.min(SEALED_STREAM_HEADER_BYTES + (lastSegment + 1) * whole, sealedBytes) - 1,
    firstSegment,
    segmentCount: lastSegment - firstSegment + 1,
    lastIsFinal: lastSegment === segments - 1,
    skip: start - firstSegment * segmentBytes,
    take: end - start + 1,
  };
}

/** Seals what is written to it; `plaintextSha256` and `plaintextBytes` are final once it ended. */
export class SealStream extends Transform {
  plaintextSha256 = '';
  plaintextBytes = 0;
  private readonly hash = createHash('sha256');
  private readonly header: SealedStreamHeader;
  private readonly key: Buffer;
  private readonly context: Buffer;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;

  constructor(dataKey: Buffer, context: string, segmentBytes = SEALED_STREAM_SEGMENT_BYTES) {
    super();
    this.header = newHeader(segmentBytes);
    this.key = fileKey(dataKey, this.header);
    this.context = Buffer.from(context, 'utf8');
    this.push(this.header.raw);
  }

  override _transform(chunk: Buffer | string, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      this.hash.update(bytes);
      this.plaintextBytes += bytes.length;
      this.pending.push(bytes);
      this.pendingBytes += bytes.length;
      const size = this.header.segmentBytes;
      // Strictly more than one segment buffered: the segment sealed now is certainly not the final one.
      if (this.pendingBytes > size) {
        let all = Buffer.concat(this.pending);
        while (all.length > size) {
          this.push(sealSegment(this.key, this.header, this.index, false, this.context, all.subarray(0, size)));
          this.index += 1;
          all = all.subarray(size);
        }
        this.pending = [Buffer.from(all)];
        this.pendingBytes = all.length;
      }
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.push(sealSegment(this.key, this.header, this.index, true, this.context, Buffer.concat(this.pending)));
      this.pending = [];
      this.plaintextSha256 = this.hash.digest('hex');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}

export interface OpenStreamOptions {
  /**
   * For a range: the header (read apart from the file's first bytes) and the plan whose
   * `sealedStart..sealedEnd` bytes are written to the stream. Without it, the whole file is written.
   */
  header?: Buffer;
  plan?: SealedRangePlan;
}

/** Opens a sealed file (or a planned range of it) written to it; errors with EnvelopeError on any alteration. */
export class OpenStream extends Transform {
  private readonly dataKey: Buffer;
  private readonly context: Buffer;
  private readonly plan: SealedRangePlan | undefined;
  private header: SealedStreamHeader | undefined;
  private key: Buffer | undefined;
  private pending: Buffer = Buffer.alloc(0);
  private index: number;
  private opened = 0;
  private skip: number;
  private left: number;

  constructor(dataKey: Buffer, context: string, options: OpenStreamOptions = {}) {
    super();
    this.dataKey = dataKey;
    this.context = Buffer.from(context, 'utf8');
    this.plan = options.plan;
    this.index = options.plan?.firstSegment ?? 0;
    this.skip = options.plan?.skip ?? 0;
    this.left = options.plan?.take ?? Infinity;
    if (options.plan && !options.header) throw new RangeError('Opening a range needs the file header.');
    if (options.header) this.useHeader(parseSealedStreamHeader(options.header));
  }

  private useHeader(header: SealedStreamHeader): void {
    this.header = header;
    this.key = fileKey(this.dataKey, header);
  }

  private deliver(plaintext: Buffer): void {
    let bytes = plaintext;
    if (this.skip > 0) {
      const dropped = Math.min(this.skip, bytes.length);
      bytes = bytes.subarray(dropped);
      this.skip -= dropped;
    }
    if (bytes.length > this.left) bytes = bytes.subarray(0, this.left);
    this.left -= bytes.length;
    if (bytes.length > 0) this.push(bytes);
  }

  private openOne(sealed: Buffer, final: boolean): void {
    if (this.plan && this.opened >= this.plan.segmentCount) throw new EnvelopeError('The sealed range holds more segments than planned.');
    this.deliver(openSegment(this.key as Buffer, this.header as SealedStreamHeader, this.index, final, this.context, sealed));
    this.index += 1;
    this.opened += 1;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
      if (!this.header) {
        if (this.pending.length < SEALED_STREAM_HEADER_BYTES) return callback();
        this.useHeader(parseSealedStreamHeader(this.pending));
        this.pending = this.pending.subarray(SEALED_STREAM_HEADER_BYTES);
      }
      const whole = (this.header as SealedStreamHeader).segmentBytes + SEALED_STREAM_TAG_BYTES;
      // Keep at least one segment back until the end: only the last one may be (and must be) final.
      while (this.pending.length > whole) {
        this.openOne(this.pending.subarray(0, whole), false);
        this.pending = this.pending.subarray(whole);
      }
      this.pending = Buffer.from(this.pending);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (!this.header) throw new EnvelopeError('The sealed file is cut short.');
      this.openOne(this.pending, this.plan ? this.plan.lastIsFinal : true);
      if (this.plan && this.opened !== this.plan.segmentCount) throw new EnvelopeError('The sealed range is cut short.');
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}

/** Seals a whole buffer (small files, tests). */
export function sealBufferAsStream(dataKey: Buffer, plaintext: Buffer, context: string, segmentBytes = SEALED_STREAM_SEGMENT_BYTES): Buffer {
  const header = newHeader(segmentBytes);
  const key = fileKey(dataKey, header);
  const ctx = Buffer.from(context, 'utf8');
  const parts = [header.raw];
  const segments = Math.max(1, Math.ceil(plaintext.length / segmentBytes));
  for (let i = 0; i < segments; i += 1) parts.push(sealSegment(key, header, i, i === segments - 1, ctx, plaintext.subarray(i * segmentBytes, (i + 1) * segmentBytes)));
  return Buffer.concat(parts);
}
