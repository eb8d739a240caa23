import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { deriveKey, open, seal } from './secret-box';
import { resolveServerSecret } from './secret-file';

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
    const { key: configured, keyFile: file } = this.config.totpEncryption;
    const secret = await resolveServerSecret({ configured, production: this.config.production, setting: 'TOTP_ENCRYPTION_KEY', file, label: 'TOTP encryption key', logger: this.logger });
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
