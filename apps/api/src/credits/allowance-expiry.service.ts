import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LedgerMovement, unusedAllowance } from './allowance-expiry';
import { CreditsService, sqlRows } from './credits.service';

interface DueGrant {
  id: string;
  user_id: string;
  expires_at: Date;
}

/**
 * At the end of a paid period the unused part of that period's allowance expires (an `expiry` entry
 * for each allowance grant, zero when it was all spent); purchased credits never expire. Runs hourly on
 * the scheduler (`credits.expire-allowances`) and can be called directly.
 */
@Injectable()
export class AllowanceExpiryService {
  private readonly logger = new Logger('CreditAllowanceExpiry');

  constructor(
    private readonly dataSource: DataSource,
    private readonly credits: CreditsService,
  ) {}

  async expireDue(now = new Date(), batch = 200): Promise<{ grants: number; expiredCredits: number }> {
    const due = await sqlRows<DueGrant>(
      this.dataSource.manager,
      `SELECT g.id, g.user_id, g.expires_at FROM credit_entries g
        WHERE g.kind = 'grant' AND g.expires_at IS NOT NULL AND g.expires_at <= $1 AND g.user_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM credit_entries x WHERE x.kind = 'expiry' AND x.hold_id = g.id)
        ORDER BY g.expires_at LIMIT $2`,
      [now, batch],
    );
    let expiredCredits = 0;
    for (const grant of due) {
      expiredCredits += await this.dataSource.transaction(async (m) => {
        const { available } = await this.credits.lockedSummary(m, grant.user_id);
        const movements = await sqlRows<{ id: string; kind: string; amount: number; expires_at: Date | null; hold_id: string | null }>(
          m,
          `SELECT id, kind, amount, expires_at, hold_id FROM credit_entries WHERE user_id = $1 AND amount <> 0 ORDER BY seq`,
          [grant.user_id],
        );
        const ledger: LedgerMovement[] = movements.map((r) => ({ id: r.id, kind: r.kind, amount: r.amount, expiresAt: r.expires_at, grantId: r.kind === 'expiry' ? r.hold_id : null }));
        const unused = unusedAllowance(ledger, grant.id, available);
        await this.credits.recordExpiry(m, grant.user_id, grant.id, unused);
        return unused;
      });
    }
    if (due.length > 0) this.logger.log({ grants: due.length, expiredCredits }, 'monthly allowances expired');
    return { grants: due.length, expiredCredits };
  }
}
