// Keyed email lookups (decision 020): every search for an end user by email compares
// users.email_lookup with HMAC-SHA256(EMAIL_LOOKUP_KEY, normalised address).
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { emailLookupHash, normaliseEmail } from '@soar2/privacy';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { deriveKey } from './secret-box';
import { loadOrCreateSecretFile } from './secret-file';

@Injectable()
export class EmailLookupService implements OnModuleInit {
  private readonly logger = new Logger('Identity');
  private key: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    let secret = this.config.emailLookup.key;
    if (secret === undefined) {
      if (this.config.production) throw new Error('EMAIL_LOOKUP_KEY must be set in production mode.');
      const loaded = await loadOrCreateSecretFile(this.config.emailLookup.keyFile, 'email lookup key');
      if (loaded.created) this.logger.log('generated an email lookup key in the data directory (set EMAIL_LOOKUP_KEY in production)');
      secret = loaded.secret;
    }
    this.key = deriveKey(secret, 'email-lookup');
  }

  /** The value `users.email_lookup` holds for this address (any case, surrounding spaces ignored). */
  of(email: string): Buffer {
    if (!this.key) throw new Error('The email lookup key is read when the module starts; it is not loaded yet.');
    return emailLookupHash(this.key, email);
  }

  /** The normalised address stored in `users.email` (trimmed, lower case). */
  normalise(email: string): string {
    return normaliseEmail(email);
  }
}
