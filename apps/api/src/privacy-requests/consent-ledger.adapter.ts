import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ConsentService } from '../consent/consent.service';
import type { ConsentWithdrawalResult, PrivacyConsentPort } from './privacy-ports';

/**
 * Opt-out, consent withdrawal and objection written to the consent ledger (ConsentService), in the
 * fulfilment's transaction: effective at once (the ledger's marketing gate stops marketing email;
 * service-critical mail continues).
 */
@Injectable()
export class ConsentLedgerAdapter implements PrivacyConsentPort {
  constructor(private readonly consent: ConsentService) {}

  async withdraw(
    input: { userId: string; type: 'opt_out' | 'consent_withdrawal' | 'objection'; requestId: string },
    manager: EntityManager,
  ): Promise<ConsentWithdrawalResult> {
    const options = { source: 'privacy_request' as const, reference: `privacy_request:${input.requestId}`, actor: { type: 'system' as const, id: 'privacy-fulfilment' } };
    const written =
      input.type === 'opt_out'
        ? [await this.consent.optOutOfSale(input.userId, options, manager), await this.consent.optOutOfMarketing(input.userId, options, manager)].filter((r) => r !== null)
        : await this.consent.withdrawAll(input.userId, options, manager);
    const state = await this.consent.current(input.userId, manager);
    const withdrawn = Object.entries(state.purposes)
      .filter(([, s]) => !s.granted)
      .map(([purpose]) => purpose);
    return { entries: written.length, purposes: withdrawn, note: `${written.length} consent ledger entr${written.length === 1 ? 'y' : 'ies'} written.` };
  }
}
