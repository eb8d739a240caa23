import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export const MIN_SECRET_LENGTH = 32;

/**
 * A server secret kept in a file under DATA_DIR (development and tests; production sets it in the
 * environment): read it, or create it once, readable by the owner only. `created` tells whether
 * this call wrote it.
 */
export async function loadOrCreateSecretFile(file: string, label: string): Promise<{ secret: string; created: boolean }> {
  const existing = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (existing !== undefined) return { secret: checked(existing.trim(), file, label), created: false };
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const created = randomBytes(32).toString('base64url');
  // Written aside, then linked into place (atomic, and refused when the file exists): when two
  // processes start on one DATA_DIR, the second reads the first one's complete secret.
  const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  await fs.writeFile(partial, `${created}\n`, { mode: 0o600 });
  try {
    await fs.link(partial, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { secret: checked((await fs.readFile(file, 'utf8')).trim(), file, label), created: false };
  } finally {
    await fs.unlink(partial).catch(() => undefined);
  }
  return { secret: created, created: true };
}

function checked(secret: string, file: string, label: string): string {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`The ${label} in ${file} is shorter than ${MIN_SECRET_LENGTH} characters; delete the file to generate a new one.`);
  return secret;
}
