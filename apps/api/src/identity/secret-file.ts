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

/**
 * A server secret: the configured value when there is one; in production its absence stops the
 * start; otherwise the file under DATA_DIR, created once (and said so in the log).
 */
export async function resolveServerSecret(options: {
  configured: string | undefined;
  production: boolean;
  /** What production must set, for the error and the log line (e.g. `EMAIL_LOOKUP_KEY`). */
  setting: string;
  file: string;
  label: string;
  logger: { log(message: string): void };
}): Promise<string> {
  if (options.configured !== undefined) return options.configured;
  if (options.production) throw new Error(`${options.setting} must be set in production mode.`);
  const { secret, created } = await loadOrCreateSecretFile(options.file, options.label);
  if (created) options.logger.log(`generated a ${options.label} in the data directory (set ${options.setting} in production)`);
  return secret;
}
