// Actor types of audit entries (apps/api/src/audit/audit-entry.ts).
export const AUDIT_ACTOR_TYPE_CHOICES = ['staff', 'user', 'system', 'agent', 'anonymous'].map((type) => ({ id: type, name: type }));

/** What GET /admin/audit-log/verify answers. */
export interface ChainVerdict {
  valid: boolean;
  checked: number;
  firstBrokenSequence?: number;
  reason?: string;
  detail?: string;
  /** The archived part of the chain (segments moved out of the table), when there is one. */
  archive?: { segments: number; entriesInFiles: number; filesPurged: number };
}

export function isChainVerdict(value: unknown): value is ChainVerdict {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ChainVerdict>;
  return typeof v.valid === 'boolean' && typeof v.checked === 'number';
}

/** `datetime-local` inputs give the browser's local time; the API takes an absolute time. */
export function localTimeToIso(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
