import { Injectable } from '@nestjs/common';
import { MARKETING_EMAILS } from '@soar2/privacy';
import { DataSource, EntityManager } from 'typeorm';
import type { MarketingConsentDecision, MarketingConsentGate, MarketingRecipient } from '../notifications/marketing-consent.gate';
import { ConsentService } from './consent.service';
import { UnsubscribeService } from './unsubscribe.service';
import { EmailLookupService } from '../identity/email-lookup.service';

export const NO_MARKETING_CONSENT = 'The recipient has no current marketing_emails consent in the ledger.';
export const NOT_A_USER = 'The recipient is not a user account, so no marketing consent can be on record.';

/** The outbox's marketing gate backed by the consent ledger (registered by ConsentModule). */
@Injectable()
export class LedgerConsentGate implements MarketingConsentGate {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    private readonly unsubscribe: UnsubscribeService,
    private readonly emailLookup: EmailLookupService,
  ) {}

  async decide(recipient: MarketingRecipient, manager?: EntityManager): Promise<MarketingConsentDecision> {
    const m = manager ?? this.dataSource.manager;
    const userId = await this.userOf(recipient, m);
    if (!userId) return { allowed: false, reason: NOT_A_USER };
    return (await this.consent.allows(userId, MARKETING_EMAILS, m)) ? { allowed: true } : { allowed: false, reason: NO_MARKETING_CONSENT };
  }

  async unsubscribeHeaders(recipient: MarketingRecipient, manager?: EntityManager): Promise<Record<string, string>> {
    const userId = await this.userOf(recipient, manager ?? this.dataSource.manager);
    return userId ? this.unsubscribe.headersFor(userId) : {};
  }

  /** The account the message goes to: the given user when the address is theirs, else the account with that address. */
  private async userOf(recipient: MarketingRecipient, m: EntityManager): Promise<string | null> {
    const rows = (await m.query(
      recipient.userId
        ? `SELECT id FROM users WHERE id = $1 AND email_lookup = $2`
        : `SELECT id FROM users WHERE email_lookup = $1`,
      recipient.userId ? [recipient.userId, this.emailLookup.of(recipient.to)] : [this.emailLookup.of(recipient.to)],
    )) as Array<{ id: string }>;
    return rows[0]?.id ?? null;
  }
}
