// The ticket side panel's account flags (registered with SupportExtensions from RetentionModule):
// active legal holds touching the user, and the account's open erasure with its date.
import type { LegalHoldsService } from '../legal-holds/legal-holds.service';
import type { AccountFlag, AccountFlagsProvider } from '../support/support-extensions';
import type { ErasureDto } from './dto/erasure.dto';
import type { ErasureService } from './erasure.service';

function day(d: Date | string): string {
  return new Date(d).toISOString().slice(0, 10);
}

export function erasureFlag(e: ErasureDto): AccountFlag {
  const label =
    e.status === 'running'
      ? 'Account erasure in progress'
      : e.status === 'waiting_on_hold'
        ? `Account erasure due ${day(e.runAfter)}, waiting on a legal hold`
        : `Account erasure scheduled for ${day(e.runAfter)}`;
  // Same key as the support desk's own "Deletion pending" flag, which this one replaces (it has the date).
  return { key: 'pending_deletion', label };
}

export function retentionAccountFlags(holds: LegalHoldsService, erasures: ErasureService): AccountFlagsProvider {
  return async (userId) => {
    const [active, erasure] = await Promise.all([holds.activeForUser(userId), erasures.openForUser(userId)]);
    const flags: AccountFlag[] = active.map((h) => ({
      key: 'legal_hold',
      label: `Legal hold on the ${h.scopeType === 'user' ? 'account' : h.scopeType} since ${day(h.createdAt)}: ${h.reason}`,
    }));
    if (erasure) flags.push(erasureFlag(erasure));
    return flags;
  };
}
