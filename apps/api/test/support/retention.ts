// Shared by the retention e2e tests: polling, staff requests by role, and running a policy's sweep.
import request from 'supertest';
import type { DataSource } from 'typeorm';
import type { TestApp } from './test-app';

/** Polls `fn` every 100 ms until it returns something truthy. */
export async function until<T>(what: string, fn: () => Promise<T | undefined | null | false>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export type StaffRequests = (role: string) => {
  get: (path: string) => request.Test;
  post: (path: string) => request.Test;
  put: (path: string) => request.Test;
};

/** Requests authenticated as the staff member of `role` whose token is in `tokens`. */
export function staffRequests(t: () => TestApp, tokens: Record<string, string>): StaffRequests {
  return (role) => ({
    get: (p) => request(t().server).get(p).set('Authorization', `Bearer ${tokens[role]}`),
    post: (p) => request(t().server).post(p).set('Authorization', `Bearer ${tokens[role]}`),
    put: (p) => request(t().server).put(p).set('Authorization', `Bearer ${tokens[role]}`),
  });
}

export async function retentionPolicyId(ds: DataSource, category: string): Promise<string> {
  const [row]: Array<{ id: string }> = await ds.query('SELECT id FROM retention_policies WHERE category = $1', [category]);
  if (!row) throw new Error(`no retention policy for ${category}`);
  return row.id;
}

/** Queues a run of the category's policy as `runner` and waits until it completed or failed. */
export async function runRetentionPolicy(as: StaffRequests, ds: DataSource, category: string, runner = 'privacy_officer'): Promise<Record<string, unknown>> {
  const queued = await as(runner).post(`/admin/retention-policies/${await retentionPolicyId(ds, category)}/run`).expect(202);
  return until(`the ${category} run to complete`, async () => {
    const r = await as(runner).get(`/admin/retention-runs/${queued.body.id}`).expect(200);
    return r.body.status === 'completed' || r.body.status === 'failed' ? (r.body as Record<string, unknown>) : undefined;
  });
}
