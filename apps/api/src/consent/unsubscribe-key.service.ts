import { createHmac } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { resolveServerSecret } from '../identity/secret-file';

/** The key signing unsubscribe links: UNSUBSCRIBE_SECRET, else derived from VERIFICATION_CODE_SECRET, else (outside production) generated in DATA_DIR/secrets. */
@Injectable()
export class UnsubscribeKeyService implements OnModuleInit {
  private readonly logger = new Logger('Consent');
  private secret: Buffer | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const configured = this.config.consent.unsubscribeSecret;
    if (configured !== undefined) {
      this.secret = Buffer.from(configured, 'utf8');
      return;
    }
    const codeSecret = this.config.verificationCodes.secret;
    if (codeSecret !== undefined) {
      // A separate key for a separate use, derived so that production needs no extra secret.
      this.secret = createHmac('sha256', codeSecret).update('soar2 unsubscribe links v1').digest();
      return;
    }
    const secret = await resolveServerSecret({
      configured: undefined,
      production: this.config.production,
      setting: 'UNSUBSCRIBE_SECRET or VERIFICATION_CODE_SECRET',
      file: this.config.consent.unsubscribeSecretFile,
      label: 'unsubscribe-link secret',
      logger: this.logger,
    });
    this.secret = Buffer.from(secret, 'utf8');
  }

  get key(): Buffer {
    if (!this.secret) throw new Error('The unsubscribe secret is read when the consent module starts; it is not loaded yet.');
    return this.secret;
  }
}
