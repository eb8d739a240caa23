import { createHmac, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';

const MIN_SECRET_LENGTH = 32;

/**
 * The server secret that keys the hashes of emailed codes and of rate-limit keys:
 * VERIFICATION_CODE_SECRET, or (outside production only) a secret generated once in DATA_DIR.
 */
@Injectable()
export class VerificationKeyService implements OnModuleInit {
  private readonly logger = new Logger('Identity');
  private secret: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const configured = this.config.verificationCodes.secret;
    if (configured !== undefined) {
      this.secret = Buffer.from(configured, 'utf8');
      return;
    }
    if (this.config.production) throw new Error('VERIFICATION_CODE_SECRET must be set in production mode.');
    this.secret = Buffer.from(await this.loadOrCreate(this.config.verificationCodes.secretFile), 'utf8');
  }

  /** The key for code hashes. */
  get key(): Buffer {
    if (!this.secret) throw new Error('The verification secret is read when the identity module starts; it is not loaded yet.');
    return this.secret;
  }

  /** A keyed hash of a value that must be matched later but not stored as is (rate-limit keys). */
  hmac(...parts: string[]): Buffer {
    return createHmac('sha256', this.key).update(parts.join('\0')).digest();
  }

  private async loadOrCreate(file: string): Promise<string> {
    const existing = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (existing !== undefined) return this.checked(existing.trim(), file);
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
      return this.checked((await fs.readFile(file, 'utf8')).trim(), file);
    } finally {
      await fs.unlink(partial).catch(() => undefined);
    }
    this.logger.log('generated a verification-code secret in the data directory (set VERIFICATION_CODE_SECRET in production)');
    return created;
  }

  private checked(secret: string, file: string): string {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error(`The verification-code secret in ${file} is shorter than ${MIN_SECRET_LENGTH} characters; delete the file to generate a new one.`);
    return secret;
  }
}
