// What privacy-request fulfilment needs from modules that live on other branches or arrive with
// later issues. Each is a small interface behind an injection token, with the adapter used until
// the real module is merged; the module file binds the token (see docs/privacy-requests.md).
// The consent port is bound to the ledger (ConsentLedgerAdapter); access packages come from
// AccessPackageService (privacy-packages) directly.
import { Injectable } from '@nestjs/common';
import type { RequestType } from '@soar2/privacy';
import type { EntityManager } from 'typeorm';

/** Opt-out, consent withdrawal and objection: what the consent ledger did. */
export interface ConsentWithdrawalResult {
  /** Ledger entries written (0 when no ledger is installed). */
  entries: number;
  /** Purposes now withdrawn/objected to, e.g. `marketing_email`, `sale_sharing`. */
  purposes: string[];
  /** How marketing is stopped, for the timeline. */
  note: string;
}

export interface PrivacyConsentPort {
  withdraw(input: { userId: string; type: Extract<RequestType, 'opt_out' | 'consent_withdrawal' | 'objection'>; requestId: string; details: string | null }, manager: EntityManager): Promise<ConsentWithdrawalResult>;
}
export const PRIVACY_CONSENT_PORT = Symbol('PRIVACY_CONSENT_PORT');

/** Deletion: the request is handed to the erasure engine, which reports back with a certificate. */
export interface ErasureHandoffResult {
  /** The engine's handle for the job (or the request id when it polls for requests). */
  handle: string;
  /** When erasure will run (after the grace period; at once for a child). */
  scheduledFor: Date;
}

export interface ErasureHandoff {
  handOver(input: { requestId: string; userId: string; child: boolean; graceDays: number }, manager: EntityManager): Promise<ErasureHandoffResult>;
  /** The requester withdrew during the grace period: cancel the scheduled erasure (refused once it started). */
  cancel(requestId: string, manager: EntityManager): Promise<void>;
}
export const ERASURE_HANDOFF = Symbol('ERASURE_HANDOFF');

/** Grace period before an adult's account is erased (COMPLIANCE.md: 30 days, cancellable); none for a child. */
export const DELETION_GRACE_DAYS = 30;

/**
 * Until the erasure engine (retention issue) exists: the request waits in `awaiting_erasure`, which
 * is the hand-over. The engine will read those requests (or bind its own ErasureHandoff) and call
 * PrivacyFulfilmentService.erasureCompleted(requestId, certificateId) when the certificate exists.
 */
@Injectable()
export class AwaitingErasureHandoff implements ErasureHandoff {
  async handOver(input: { requestId: string; graceDays: number }): Promise<ErasureHandoffResult> {
    return { handle: input.requestId, scheduledFor: new Date(Date.now() + input.graceDays * 86_400_000) };
  }

  async cancel(): Promise<void> {}
}
