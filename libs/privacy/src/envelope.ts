// Envelope encryption for crypto-shredding. Each end user has a random 256-bit data key; personal
// free text and files are encrypted with it (AES-256-GCM), and the data key is stored only wrapped
// (encrypted) by a master key from configuration. Destroying the wrapped data key makes every copy
// of the user's ciphertext unreadable, including copies in database backups and storage snapshots.
// Pure: node:crypto only, no I/O.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

const FORMAT_FIELD = 0x46; // 'F': a field sealed with a data key
const FORMAT_WRAP = 0x57; // 'W': a data key wrapped by a master key
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const DATA_KEY_BYTES = 32;

export class EnvelopeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EnvelopeError';
  }
}

/** One master key of the keyring: an id (stored beside each wrapped key) and its AES key. */
export interface MasterKey {
  id: string;
  key: Buffer;
}

/** The master keys in force: the first wraps new keys; the others still unwrap (rotation). */
export interface MasterKeyring {
  current: MasterKey;
  byId: ReadonlyMap<string, MasterKey>;
}

const KEY_ID_RE = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `DATA_KEY_MASTER_KEYS`: comma-separated `id:secret` pairs, newest first, e.g.
 * `k2:9f…,k1:3a…`. Each secret (≥ 32 characters) is stretched to an AES-256 key with HKDF.
 * Throws EnvelopeError naming the problem.
 */
export function parseMasterKeyring(value: string): MasterKeyring {
  const keys: MasterKey[] = [];
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    if (colon <= 0) throw new EnvelopeError('Each master key is written as id:secret (for example k1:<48 random characters>).');
    const id = part.slice(0, colon);
    const secret = part.slice(colon + 1);
    if (!KEY_ID_RE.test(id)) throw new EnvelopeError(`The master key id "${id}" may use letters, digits, "_" and "-" only (at most 32).`);
    if (secret.length < 32) throw new EnvelopeError(`The master key "${id}" is shorter than 32 characters.`);
    if (keys.some((k) => k.id === id)) throw new EnvelopeError(`The master key id "${id}" appears twice.`);
    keys.push({ id, key: Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), Buffer.from('soar2:data-key-master', 'utf8'), 32)) });
  }
  const current = keys[0];
  if (!current) throw new EnvelopeError('No master key is given.');
  return { current, byId: new Map(keys.map((k) => [k.id, k])) };
}

export function generateDataKey(): Buffer {
  return randomBytes(DATA_KEY_BYTES);
}

function encrypt(format: number, key: Buffer, plaintext: Buffer, aad: Buffer, header: Buffer = Buffer.alloc(0)): Buffer {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.concat([Buffer.from([format]), header, aad]));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([format]), header, nonce, cipher.getAuthTag(), ciphertext]);
}

function decrypt(format: number, key: Buffer, sealed: Buffer, headerLength: number, aad: Buffer, what: string): Buffer {
  if (sealed.length < 1 + headerLength + NONCE_BYTES + TAG_BYTES || sealed[0] !== format) throw new EnvelopeError(`The ${what} is not in a known format.`);
  const header = sealed.subarray(1, 1 + headerLength);
  const at = 1 + headerLength;
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(at, at + NONCE_BYTES));
  decipher.setAAD(Buffer.concat([Buffer.from([format]), header, aad]));
  decipher.setAuthTag(sealed.subarray(at + NONCE_BYTES, at + NONCE_BYTES + TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(at + NONCE_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    throw new EnvelopeError(`The ${what} does not open with this key (another key, another owner, or altered bytes).`);
  }
}

/** Wraps a data key for one user: format ‖ key-id length ‖ key id ‖ nonce ‖ tag ‖ ciphertext. */
export function wrapDataKey(ring: MasterKeyring, dataKey: Buffer, ownerId: string): Buffer {
  if (dataKey.length !== DATA_KEY_BYTES) throw new EnvelopeError('A data key is 32 bytes.');
  const id = Buffer.from(ring.current.id, 'utf8');
  return encrypt(FORMAT_WRAP, ring.current.key, dataKey, Buffer.from(`owner:${ownerId}`, 'utf8'), Buffer.concat([Buffer.from([id.length]), id]));
}

/** The master key id a wrapped key was wrapped with (rotation re-wraps the others). */
export function wrappedKeyId(wrapped: Buffer): string {
  if (wrapped.length < 2 || wrapped[0] !== FORMAT_WRAP) throw new EnvelopeError('The wrapped data key is not in a known format.');
  return wrapped.subarray(2, 2 + (wrapped[1] ?? 0)).toString('utf8');
}

export function unwrapDataKey(ring: MasterKeyring, wrapped: Buffer, ownerId: string): Buffer {
  const id = wrappedKeyId(wrapped);
  const master = ring.byId.get(id);
  if (!master) throw new EnvelopeError(`The data key was wrapped with master key "${id}", which is not in the keyring.`);
  return decrypt(FORMAT_WRAP, master.key, wrapped, 1 + Buffer.byteLength(id, 'utf8'), Buffer.from(`owner:${ownerId}`, 'utf8'), 'wrapped data key');
}

/**
 * Seals a value with a user's data key, bound to a context (e.g. `generation_jobs.prompt:<jobId>`)
 * so a ciphertext copied to another row or column does not open there.
 */
export function sealWithDataKey(dataKey: Buffer, plaintext: Buffer | string, context: string): Buffer {
  const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  return encrypt(FORMAT_FIELD, dataKey, bytes, Buffer.from(context, 'utf8'));
}

export function openWithDataKey(dataKey: Buffer, sealed: Buffer, context: string): Buffer {
  return decrypt(FORMAT_FIELD, dataKey, sealed, 0, Buffer.from(context, 'utf8'), 'sealed value');
}

/**
 * A keyed hash (HMAC-SHA-256, hex) for looking up a value without storing it in clear, e.g. an
 * email. Normalise the value before hashing (lower-case, trimmed emails).
 */
export function keyedHash(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}
