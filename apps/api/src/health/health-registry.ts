import { Injectable } from '@nestjs/common';

export interface CheckResult {
  status: 'up' | 'down';
  detail?: string;
  latencyMs?: number;
}

export type ReadinessCheck = () => Promise<string | void>;

/** Modules register what /health/ready must check (database, jobs, storage, ...). */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private inFlight: Promise<Record<string, CheckResult>> | undefined;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  /**
   * Runs every check. Concurrent callers share the run in progress, so a storm of probes (many
   * replicas' load balancers) costs one database round trip and one storage probe, not one each.
   */
  run(timeoutMs = 3000): Promise<Record<string, CheckResult>> {
    this.inFlight ??= this.runAll(timeoutMs).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async runAll(timeoutMs: number): Promise<Record<string, CheckResult>> {
    const entries = await Promise.all(
      [...this.checks.entries()].map(async ([name, check]): Promise<[string, CheckResult]> => {
        const t0 = Date.now();
        let timer: NodeJS.Timeout | undefined;
        try {
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          });
          const detail = await Promise.race([check(), timeout]);
          return [name, { status: 'up', latencyMs: Date.now() - t0, ...(detail ? { detail } : {}) }];
        } catch (err) {
          return [name, { status: 'down', latencyMs: Date.now() - t0, detail: err instanceof Error ? err.message : String(err) }];
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}
