import { REDACTED, SENSITIVE_FIELD_NAMES, redactText } from '@soar2/privacy';

const SENSITIVE = new Set(SENSITIVE_FIELD_NAMES.map((n) => n.toLowerCase()));
const MAX_DEPTH = 6;

/** Returns a copy of structured log data with sensitive fields removed and free text redacted. */
export function scrubLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (Array.isArray(value)) return value.map((v) => scrubLogValue(v, depth + 1));
  if (value instanceof Error) return scrubError(value);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = SENSITIVE.has(key.toLowerCase()) ? REDACTED : scrubLogValue(v, depth + 1);
  }
  return out;
}

export function scrubError(err: Error): Record<string, unknown> {
  const e = err as Error & { code?: unknown; type?: unknown };
  return {
    type: e.name,
    message: redactText(e.message),
    stack: e.stack ? redactText(e.stack) : undefined,
    code: typeof e.code === 'string' ? e.code : undefined,
  };
}

/** A request path safe to log: no query string, and secrets carried in paths masked. */
export function safeLogPath(url: string | undefined): string {
  const pathOnly = (url ?? '').split('?')[0] ?? '';
  return pathOnly.replace(/\/(downloads|unsubscribe|tokens?)\/[^/]+/gi, `/$1/${REDACTED}`);
}
