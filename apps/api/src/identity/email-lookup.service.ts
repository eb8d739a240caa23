// Keyed email lookups (decision 020): every search for an end user by email compares
// users.email_lookup with HMAC-SHA256(EMAIL_LOOKUP_KEY, normalised address).
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { emailLookupHash, normaliseEmail } from '@soar2/privacy';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { deriveKey } from './secret-box';
import { resolveServerSecret } from './secret-file';

@Injectable()
export class EmailLookupService implements OnModuleInit {
  private readonly logger = new Logger('Identity');
  private key: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const { key: configured, keyFile: file } = this.config.emailLookup;
    const secret = await resolveServerSecret({ configured, production: this.config.production, setting: 'EMAIL_LOOKUP_KEY', file, label: 'email lookup key', logger: this.logger });
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
