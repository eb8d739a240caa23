// How the holds covering a record show on that record's console page, and in its list.
import type { AppAbility } from '../authz/ability';

/**
 * Whether the reader may see a hold's grounds (reason) and end date: the CASL rules for LegalHold
 * decide (authz/permissions.ts). Everyone else who sees a held record learns only that it is held.
 */
export function canReadHoldDetails(ability: AppAbility): boolean {
  return ability.can('read', 'LegalHold', 'reason') && ability.can('read', 'LegalHold', 'expiresAt');
}

/**
 * SQL true when an active legal hold covers the row: a hold on its user, or on the row itself
 * (ticket or job). One EXISTS on legal_holds' partial (scope_type, scope_id) index; for list columns.
 */
export function recordHeldSql(columns: { userColumn: string; ticketColumn?: string; jobColumn?: string }): string {
  const scopes = [`(lh.scope_type = 'user' AND lh.scope_id = ${columns.userColumn})`];
  if (columns.ticketColumn) scopes.push(`(lh.scope_type = 'ticket' AND lh.scope_id = ${columns.ticketColumn})`);
  if (columns.jobColumn) scopes.push(`(lh.scope_type = 'job' AND lh.scope_id = ${columns.jobColumn})`);
  return `EXISTS (SELECT 1 FROM legal_holds lh WHERE lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now()) AND (${scopes.join(' OR ')}))`;
}
