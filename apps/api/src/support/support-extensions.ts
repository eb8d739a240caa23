// Hooks other modules register from their onModuleInit, so that support never imports generation,
// billing or privacy (they land on their own branches): linked-job checks and the jobs panel, the
// credits panel and adjustments, account flags (legal hold, pending deletion) and the conversion of
// a privacy ticket into a privacy request. Until a module registers, support answers with a clear
// code (see support.exception.ts) instead of guessing.
import { Injectable } from '@nestjs/common';
import type { RequestType } from '@soar2/privacy';
import type { EntityManager } from 'typeorm';

export interface LinkedJobSummary {
  id: string;
  status: string;
  createdAt: string;
  error: { code: string; message: string } | null;
  [key: string]: unknown;
}

/** Generation registers this: which of the given job ids belong to the user, and their recent jobs. */
export interface LinkedJobResolver {
  /** The subset of `jobIds` that are the user's own jobs. */
  ownedBy(userId: string, jobIds: readonly string[], manager: EntityManager): Promise<string[]>;
  recent(userId: string, limit: number): Promise<LinkedJobSummary[]>;
  /**
   * Refunds a job's captured credits the way the jobs console does (generation knows what was
   * captured and refuses a second refund); the ticket is the reason's context. Returns what happened.
   */
  refund(input: { userId: string; jobId: string; ticketId: string; reason: string; actor: { type: 'staff'; id: string; role: string } }): Promise<{ refunded: number }>;
}

export interface CreditsSummary {
  balance: number;
  held: number;
  available: number;
}

export interface CreditAdjustment {
  userId: string;
  amount: number;
  actor: { type: 'staff'; id: string; role: string };
  reason: string;
  /** `support_ticket`, with `<ticketId>/<requestId>` as the id: traceable to the ticket, and a retried click is applied once. */
  referenceType: 'support_ticket';
  referenceId: string;
}

/** Billing registers this (CreditsService behind it). */
export interface SupportCreditsGateway {
  summary(userId: string): Promise<CreditsSummary>;
  adjust(adjustment: CreditAdjustment): Promise<unknown>;
}

/** A flag shown prominently on the ticket's side panel (e.g. legal hold, pending deletion). */
export interface AccountFlag {
  key: string;
  label: string;
}

export type AccountFlagsProvider = (userId: string) => Promise<AccountFlag[]>;

export interface PrivacyConversionInput {
  ticketId: string;
  /** The privacy request type staff chose (one of REQUEST_TYPES in libs/privacy); validated by the support DTO. */
  type: RequestType;
  userId: string | null;
  email: string | null;
  subject: string;
  body: string;
  staff: { id: string; role: string };
}

/** Privacy registers this: creates the request from the ticket in the caller's transaction and returns its id. */
export interface PrivacyTicketConverter {
  convert(input: PrivacyConversionInput, manager: EntityManager): Promise<{ privacyRequestId: string }>;
}

@Injectable()
export class SupportExtensions {
  private jobResolver: LinkedJobResolver | undefined;
  private credits: SupportCreditsGateway | undefined;
  private converter: PrivacyTicketConverter | undefined;
  private readonly flagProviders: AccountFlagsProvider[] = [];

  registerJobResolver(resolver: LinkedJobResolver): void {
    this.jobResolver = resolver;
  }

  registerCreditsGateway(gateway: SupportCreditsGateway): void {
    this.credits = gateway;
  }

  registerPrivacyConverter(converter: PrivacyTicketConverter): void {
    this.converter = converter;
  }

  registerAccountFlags(provider: AccountFlagsProvider): void {
    this.flagProviders.push(provider);
  }

  get jobs(): LinkedJobResolver | undefined {
    return this.jobResolver;
  }

  get creditsGateway(): SupportCreditsGateway | undefined {
    return this.credits;
  }

  get privacyConverter(): PrivacyTicketConverter | undefined {
    return this.converter;
  }

  async accountFlags(userId: string): Promise<AccountFlag[]> {
    const all = await Promise.all(this.flagProviders.map((p) => p(userId)));
    return all.flat();
  }
}
