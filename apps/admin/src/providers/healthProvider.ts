import { readJson } from './apiErrors';

export interface ReadinessCheck {
  status: 'up' | 'down';
  latencyMs?: number;
  detail?: string;
}

/** `GET /health/ready`: 200 when every check is up, 503 with the same body when one is down. */
export interface Readiness {
  status: 'ok' | 'unavailable';
  roles: string[];
  checks: Record<string, ReadinessCheck>;
}

function isReadiness(value: unknown): value is Readiness {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<Readiness>;
  return (v.status === 'ok' || v.status === 'unavailable') && Array.isArray(v.roles) && typeof v.checks === 'object' && v.checks !== null;
}

export async function fetchReadiness(signal?: AbortSignal): Promise<Readiness> {
  const response = await fetch('/health/ready', { headers: { Accept: 'application/json' }, signal });
  const body = await readJson(response);
  if (!isReadiness(body)) throw new Error(`The readiness check answered ${response.status} without a report.`);
  return body;
}
