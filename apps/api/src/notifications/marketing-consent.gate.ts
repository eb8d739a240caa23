// Whether a marketing message may go to a recipient. The consent ledger (a later module) answers
// for real; until it is registered, nothing is on record and marketing is never sent.
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface MarketingRecipient {
  /** The normalised recipient address. */
  to: string;
  userId: string | null;
  /** The template, for gates that track consent per topic. */
  kind: string;
}

export type MarketingConsentDecision = { allowed: true } | { allowed: false; reason: string };

/** Asked at enqueue time (inside the caller's transaction when there is one) and again just before sending. */
export interface MarketingConsentGate {
  decide(recipient: MarketingRecipient, manager?: EntityManager): Promise<MarketingConsentDecision>;
  /** Headers every marketing message to this recipient carries (RFC 8058 List-Unsubscribe, List-Unsubscribe-Post). */
  unsubscribeHeaders?(recipient: MarketingRecipient, manager?: EntityManager): Promise<Record<string, string>>;
}

/** Injection token of the default gate. */
export const MARKETING_CONSENT_GATE = Symbol('MARKETING_CONSENT_GATE');

export const NO_CONSENT_ON_RECORD = 'No marketing consent is on record for this recipient.';

/** The default: no consent ledger yet, so no consent on record. */
@Injectable()
export class NoConsentOnRecordGate implements MarketingConsentGate {
  async decide(): Promise<MarketingConsentDecision> {
    return { allowed: false, reason: NO_CONSENT_ON_RECORD };
  }
}

/**
 * The gate in force. The module that owns consent registers its own gate from its onModuleInit
 * (`registry.use(gate)`), so it depends on notifications and not the other way round.
 */
@Injectable()
export class MarketingConsentGateRegistry implements MarketingConsentGate {
  private gate: MarketingConsentGate;

  constructor(@Inject(MARKETING_CONSENT_GATE) defaultGate: MarketingConsentGate) {
    this.gate = defaultGate;
  }

  use(gate: MarketingConsentGate): void {
    this.gate = gate;
  }

  decide(recipient: MarketingRecipient, manager?: EntityManager): Promise<MarketingConsentDecision> {
    return this.gate.decide(recipient, manager);
  }

  async unsubscribeHeaders(recipient: MarketingRecipient, manager?: EntityManager): Promise<Record<string, string>> {
    return (await this.gate.unsubscribeHeaders?.(recipient, manager)) ?? {};
  }
}
