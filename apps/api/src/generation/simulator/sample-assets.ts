// The simulator's bundled sample clip and thumbnail, built in code so no binary sits in the
// repository: a structurally valid ISO-BMFF (MP4) file (ftyp, moov/mvhd with a 20 s duration, an
// mdat of filler) and a 64x36 PNG. They are placeholders, not a playable picture: the point is real
// bytes with a checksum, a content type and Range support end to end.
import { deflateSync } from 'node:zlib';

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}

function mvhd(durationSeconds: number): Buffer {
  const b = Buffer.alloc(100);
  // version 0, flags 0; creation/modification time 0
  b.writeUInt32BE(1000, 12); // timescale
  b.writeUInt32BE(durationSeconds * 1000, 16); // duration
  b.writeUInt32BE(0x00010000, 20); // rate 1.0
  b.writeUInt16BE(0x0100, 24); // volume 1.0
  // unity matrix
  const matrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
  matrix.forEach((v, i) => b.writeUInt32BE(v, 36 + i * 4));
  b.writeUInt32BE(2, 96); // next track id
  return box('mvhd', b);
}

/** A small MP4 container of `sizeBytes` (at least ~200 bytes). */
export function sampleVideo(sizeBytes = 48 * 1024, durationSeconds = 20): Buffer {
  const ftyp = box('ftyp', Buffer.from('isom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isomiso2mp41', 'latin1'));
  const moov = box('moov', mvhd(durationSeconds));
  const fillerLength = Math.max(0, sizeBytes - ftyp.length - moov.length - 8);
  const filler = Buffer.alloc(fillerLength);
  for (let i = 0; i < fillerLength; i++) filler[i] = (i * 31 + 7) & 0xff;
  return Buffer.concat([ftyp, moov, box('mdat', filler)]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** A PNG of `width`x`height` with a diagonal gradient (RGB). */
export function samplePng(width = 64, height = 36): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * 3] = (x * 4) & 0xff;
      raw[row + 2 + x * 3] = (y * 7) & 0xff;
      raw[row + 3 + x * 3] = 160;
    }
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}
