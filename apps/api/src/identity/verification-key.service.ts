import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { resolveServerSecret } from './secret-file';

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
    const { secret: configured, secretFile: file } = this.config.verificationCodes;
    const secret = await resolveServerSecret({ configured, production: this.config.production, setting: 'VERIFICATION_CODE_SECRET', file, label: 'verification-code secret', logger: this.logger });
    this.secret = Buffer.from(secret, 'utf8');
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
}
