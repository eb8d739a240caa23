import type { LegalHoldLike, LegalHoldScope } from './retention-schedule';

/** That a hold covers a record: shown to everyone who sees the record. */
export interface LegalHoldFact {
  id: string;
  scopeType: LegalHoldScope;
  scopeId: string;
  /** When the hold was placed. */
  since: Date;
}

/** A hold with its grounds and end date: for those allowed to read legal holds. */
export interface LegalHoldDetail extends LegalHoldFact {
  reason: string;
  expiresAt: Date | null;
}

/**
 * The holds covering a record as one reader may see them: the reason and expiry only when
 * `detailed` (the reader may read legal holds), otherwise just that the record is held, since when
 * and by which hold. Order: the oldest hold first.
 */
export function legalHoldFacts(holds: ReadonlyArray<LegalHoldLike & { createdAt: Date }>, detailed: boolean): Array<LegalHoldFact | LegalHoldDetail> {
  return [...holds]
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id.localeCompare(b.id))
    .map((h) => {
      const fact: LegalHoldFact = { id: h.id, scopeType: h.scopeType, scopeId: h.scopeId, since: h.createdAt };
      return detailed ? { ...fact, reason: h.reason, expiresAt: h.expiresAt } : fact;
    });
}
