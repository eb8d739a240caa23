import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { deriveKey, open, seal } from './secret-box';
import { loadOrCreateSecretFile } from './secret-file';

/**
 * Encrypts staff TOTP secrets at rest (AES-256-GCM, key derived from TOTP_ENCRYPTION_KEY, or outside
 * production from a key generated once in DATA_DIR). Each sealed secret is bound to its staff id.
 */
@Injectable()
export class TotpKeyService implements OnModuleInit {
  private readonly logger = new Logger('Identity');
  private key: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    let secret = this.config.totpEncryption.key;
    if (secret === undefined) {
      if (this.config.production) throw new Error('TOTP_ENCRYPTION_KEY must be set in production mode.');
      const loaded = await loadOrCreateSecretFile(this.config.totpEncryption.keyFile, 'TOTP encryption key');
      if (loaded.created) this.logger.log('generated a TOTP encryption key in the data directory (set TOTP_ENCRYPTION_KEY in production)');
      secret = loaded.secret;
    }
    this.key = deriveKey(secret, 'staff-totp-secret');
  }

  seal(staffId: string, secret: Buffer): Buffer {
    return seal(this.current(), secret, context(staffId));
  }

  /** Throws SecretBoxError when the value was sealed with another key or for another staff member. */
  open(staffId: string, sealed: Buffer): Buffer {
    return open(this.current(), sealed, context(staffId));
  }

  private current(): Buffer {
    if (!this.key) throw new Error('The TOTP encryption key is read when the identity module starts; it is not loaded yet.');
    return this.key;
  }
}

function context(staffId: string): string {
  return `staff-totp:${staffId}`;
}
