import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { EnvelopeError, generateDataKey } from './envelope';
import {
  OpenStream,
  SEALED_STREAM_HEADER_BYTES,
  SEALED_STREAM_TAG_BYTES,
  SealStream,
  parseSealedStreamHeader,
  planSealedRange,
  sealBufferAsStream,
  sealedStreamPlaintextSize,
  sealedStreamSize,
} from './sealed-stream';

const SEG = 64; // small segments so tests cross many boundaries
const CTX = 'storage:jobs/j1/video.mp4';

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Writes `input` in uneven chunks through `transform`. */
function through(transform: SealStream | OpenStream, input: Buffer, chunk = 7): Promise<Buffer> {
  const parts: Buffer[] = [];
  for (let i = 0; i < input.length; i += chunk) parts.push(input.subarray(i, i + chunk));
  return collect(Readable.from(parts).pipe(transform));
}

async function seal(key: Buffer, plaintext: Buffer, context = CTX): Promise<Buffer> {
  return through(new SealStream(key, context, SEG), plaintext);
}

describe('SealStream and OpenStream', () => {
  const key = generateDataKey();

  it.each([0, 1, SEG - 1, SEG, SEG + 1, 3 * SEG, 3 * SEG + 17])('round-trips %i bytes, with the predicted sealed size', async (n) => {
    const plain = randomBytes(n);
    const sealStream = new SealStream(key, CTX, SEG);
    const sealed = await through(sealStream, plain);
    expect(sealed.length).toBe(sealedStreamSize(n, SEG));
    expect(sealedStreamPlaintextSize(sealed.length, SEG)).toBe(n);
    expect(sealStream.plaintextBytes).toBe(n);
    expect(sealStream.plaintextSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await through(new OpenStream(key, CTX), sealed, 11)).equals(plain)).toBe(true);
  });

  it('seals an empty file as a header and one empty final segment', async () => {
    const sealed = await seal(key, Buffer.alloc(0));
    expect(sealed.length).toBe(SEALED_STREAM_HEADER_BYTES + SEALED_STREAM_TAG_BYTES);
    expect(await through(new OpenStream(key, CTX), sealed)).toHaveLength(0);
  });

  it('produces the same format as sealBufferAsStream', async () => {
    const plain = randomBytes(5 * SEG + 3);
    expect((await through(new OpenStream(key, CTX), sealBufferAsStream(key, plain, CTX, SEG))).equals(plain)).toBe(true);
  });

  it('never writes the same ciphertext twice for the same plaintext (random salt and nonce prefix)', async () => {
    const plain = randomBytes(100);
    expect((await seal(key, plain)).equals(await seal(key, plain))).toBe(false);
  });

  it('refuses another key and another context', async () => {
    const sealed = await seal(key, randomBytes(200));
    await expect(through(new OpenStream(generateDataKey(), CTX), sealed)).rejects.toThrow(EnvelopeError);
    await expect(through(new OpenStream(key, 'storage:jobs/j2/video.mp4'), sealed)).rejects.toThrow(EnvelopeError);
  });

  it('detects a flipped bit in any segment or in the header', async () => {
    const sealed = await seal(key, randomBytes(3 * SEG));
    for (const at of [10, SEALED_STREAM_HEADER_BYTES + 1, SEALED_STREAM_HEADER_BYTES + SEG + 20, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at] = (bad[at] as number) ^ 1;
      await expect(through(new OpenStream(key, CTX), bad)).rejects.toThrow(EnvelopeError);
    }
  });

  it('detects truncation at a segment boundary and inside a segment', async () => {
    const sealed = await seal(key, randomBytes(3 * SEG + 5));
    const whole = SEG + SEALED_STREAM_TAG_BYTES;
    await expect(through(new OpenStream(key, CTX), sealed.subarray(0, SEALED_STREAM_HEADER_BYTES + 2 * whole))).rejects.toThrow(EnvelopeError);
    await expect(through(new OpenStream(key, CTX), sealed.subarray(0, sealed.length - 3))).rejects.toThrow(EnvelopeError);
    await expect(through(new OpenStream(key, CTX), sealed.subarray(0, 10))).rejects.toThrow(EnvelopeError);
  });

  it('detects an appended segment, reordered segments and a segment swapped in from another file', async () => {
    const plain = randomBytes(3 * SEG);
    const sealed = await seal(key, plain);
    const other = await seal(key, plain);
    const whole = SEG + SEALED_STREAM_TAG_BYTES;
    const h = SEALED_STREAM_HEADER_BYTES;
    const seg = (b: Buffer, i: number): Buffer => b.subarray(h + i * whole, h + (i + 1) * whole);
    const reordered = Buffer.concat([sealed.subarray(0, h), seg(sealed, 1), seg(sealed, 0), seg(sealed, 2)]);
    const swapped = Buffer.concat([sealed.subarray(0, h), seg(sealed, 0), seg(other, 1), seg(sealed, 2)]);
    const appended = Buffer.concat([sealed, seg(sealed, 2)]);
    for (const bad of [reordered, swapped, appended]) await expect(through(new OpenStream(key, CTX), bad)).rejects.toThrow(EnvelopeError);
  });

  it('refuses a file that is not a sealed stream', async () => {
    await expect(through(new OpenStream(key, CTX), Buffer.from('plain mp4 bytes, not sealed at all......'))).rejects.toThrow(/not a sealed stream/);
    expect(() => parseSealedStreamHeader(Buffer.alloc(5))).toThrow(EnvelopeError);
  });
});

describe('planSealedRange', () => {
  const key = generateDataKey();

  it('opens any plaintext range from its segments only, at arbitrary offsets', async () => {
    const plain = randomBytes(5 * SEG + 9);
    const sealed = await seal(key, plain);
    const header = sealed.subarray(0, SEALED_STREAM_HEADER_BYTES);
    const ranges = [
      [0, 0],
      [0, plain.length - 1],
      [SEG - 1, SEG],
      [SEG, 2 * SEG - 1],
      [3, 4 * SEG + 2],
      [5 * SEG, 5 * SEG + 8],
      [plain.length - 1, plain.length - 1],
      [2 * SEG + 7, 2 * SEG + 7],
    ];
    for (const [start, end] of ranges as Array<[number, number]>) {
      const plan = planSealedRange(sealed.length, { start, end }, SEG);
      const part = sealed.subarray(plan.sealedStart, plan.sealedEnd + 1);
      const opened = await through(new OpenStream(key, CTX, { header, plan }), part, 13);
      expect(opened.equals(plain.subarray(start, end + 1))).toBe(true);
    }
  });

  it('reads only the segments that hold the range', () => {
    const sealedSize = sealedStreamSize(10 * SEG, SEG);
    const plan = planSealedRange(sealedSize, { start: 3 * SEG + 1, end: 3 * SEG + 2 }, SEG);
    expect(plan).toMatchObject({ firstSegment: 3, segmentCount: 1, lastIsFinal: false, skip: 1, take: 2 });
    expect(plan.sealedEnd - plan.sealedStart + 1).toBe(SEG + SEALED_STREAM_TAG_BYTES);
    expect(planSealedRange(sealedSize, { start: 9 * SEG, end: 10 * SEG - 1 }, SEG).lastIsFinal).toBe(true);
  });

  it('detects a range whose segments were cut short or whose last segment claims to be final', async () => {
    const plain = randomBytes(4 * SEG);
    const sealed = await seal(key, plain);
    const header = sealed.subarray(0, SEALED_STREAM_HEADER_BYTES);
    const plan = planSealedRange(sealed.length, { start: SEG, end: 3 * SEG - 1 }, SEG);
    const part = sealed.subarray(plan.sealedStart, plan.sealedEnd + 1);
    await expect(through(new OpenStream(key, CTX, { header, plan }), part.subarray(0, SEG + SEALED_STREAM_TAG_BYTES))).rejects.toThrow(EnvelopeError);
    await expect(through(new OpenStream(key, CTX, { header, plan: { ...plan, lastIsFinal: true } }), part)).rejects.toThrow(EnvelopeError);
  });

  it('refuses ranges outside the plaintext and sealed sizes no plaintext has', () => {
    const size = sealedStreamSize(100, SEG);
    expect(() => planSealedRange(size, { start: 0, end: 100 }, SEG)).toThrow(RangeError);
    expect(() => planSealedRange(size, { start: 5, end: 4 }, SEG)).toThrow(RangeError);
    expect(() => sealedStreamPlaintextSize(SEALED_STREAM_HEADER_BYTES + 3, SEG)).toThrow(EnvelopeError);
    expect(() => sealedStreamPlaintextSize(SEALED_STREAM_HEADER_BYTES + SEG + SEALED_STREAM_TAG_BYTES + 16, SEG)).toThrow(EnvelopeError);
  });
});
