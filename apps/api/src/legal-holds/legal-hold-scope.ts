// Legal hold scopes. Rows are read and written with SQL by LegalHoldsService (legal_holds table).
export const LEGAL_HOLD_SCOPES = ['user', 'ticket', 'job'] as const;
export type LegalHoldScopeType = (typeof LEGAL_HOLD_SCOPES)[number];
