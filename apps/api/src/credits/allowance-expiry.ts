// Which part of a monthly allowance is still unused when it expires (pure; docs/billing.md).
//
// Policy: a subscription's allowance (a `grant` with an expiry) is spent before any credit that never
// expires (purchases, refunds, positive adjustments), allowances that expire sooner first. At the end of
// the period the unused part of the allowance expires. Credits held by running jobs are never expired:
// the expired amount is at most what is available (balance − held) at that moment.

export interface LedgerMovement {
  /** Entry id. */
  id: string;
  kind: string;
  /** Change to the balance. */
  amount: number;
  /** Set on allowance grants. */
  expiresAt: Date | null;
  /** For expiry entries: the grant they expire. */
  grantId: string | null;
}

/**
 * Replays the user's settled entries (in ledger order) into buckets and returns the unused part of
 * `grantId`. Credits go to their own bucket (an allowance) or the bucket that never expires; debits take
 * from allowances first (earliest expiry first), then from the bucket that never expires.
 */
export function unusedAllowance(movements: readonly LedgerMovement[], grantId: string, available: number): number {
  const allowances = new Map<string, { left: number; expiresAt: number }>();
  for (const m of movements) {
    if (m.amount > 0) {
      if (m.kind === 'grant' && m.expiresAt) allowances.set(m.id, { left: m.amount, expiresAt: m.expiresAt.getTime() });
      continue;
    }
    if (m.amount === 0) continue;
    if (m.kind === 'expiry' && m.grantId) {
      const a = allowances.get(m.grantId);
      if (a) a.left = Math.max(0, a.left + m.amount);
      continue;
    }
    let debt = -m.amount;
    const order = [...allowances.values()].filter((a) => a.left > 0).sort((x, y) => x.expiresAt - y.expiresAt);
    for (const a of order) {
      if (debt === 0) break;
      const take = Math.min(a.left, debt);
      a.left -= take;
      debt -= take;
    }
  }
  const left = allowances.get(grantId)?.left ?? 0;
  return Math.max(0, Math.min(left, available));
}
