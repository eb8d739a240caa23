// "Usage habits and preferences": per-user style / prompt-type / model counts, updated when a job
// completes — but never for a user whose processing is restricted or who withdrew analytics
// consent. The consent ledger lives in another module; it plugs its answer in through `useGate`.
import { Injectable } from '@nestjs/common';
import { PreferenceCounts, addToPreferences, emptyPreferences } from '@soar2/generation';
import { DataSource, EntityManager } from 'typeorm';
import { UsersService } from '../identity/users.service';

export interface AnalyticsConsentGate {
  /** False when the user withdrew consent to usage analytics. */
  allowed(userId: string, manager?: EntityManager): Promise<boolean>;
}

/** Until the consent ledger registers its gate, no withdrawal is on record. */
export const NO_WITHDRAWAL_ON_RECORD: AnalyticsConsentGate = { allowed: async () => true };

@Injectable()
export class GenerationPreferencesService {
  private gate: AnalyticsConsentGate = NO_WITHDRAWAL_ON_RECORD;

  constructor(
    private readonly users: UsersService,
    private readonly dataSource: DataSource,
  ) {}

  useGate(gate: AnalyticsConsentGate): void {
    this.gate = gate;
  }

  /** Adds a finished job to the user's aggregate; returns whether it was counted. */
  async record(job: { userId: string; style: string | null; prompt: string; model: string }, manager: EntityManager): Promise<boolean> {
    const user = await this.users.get(job.userId, manager);
    if (user.status !== 'active') return false;
    if (!(await this.gate.allowed(job.userId, manager))) return false;
    const rows: Array<{ counts: PreferenceCounts }> = await manager.query(`SELECT counts FROM generation_preferences WHERE user_id = $1 FOR UPDATE`, [job.userId]);
    const next = addToPreferences(rows[0]?.counts ?? emptyPreferences(), job);
    await manager.query(
      `INSERT INTO generation_preferences (user_id, counts, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (user_id) DO UPDATE SET counts = EXCLUDED.counts, updated_at = now()`,
      [job.userId, JSON.stringify(next)],
    );
    return true;
  }

  async get(userId: string, manager?: EntityManager): Promise<PreferenceCounts | undefined> {
    const rows: Array<{ counts: PreferenceCounts }> = await (manager ?? this.dataSource.manager).query(`SELECT counts FROM generation_preferences WHERE user_id = $1`, [userId]);
    return rows[0]?.counts;
  }
}
