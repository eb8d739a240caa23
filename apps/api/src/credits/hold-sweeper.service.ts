import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HoldAlreadyCapturedException } from './credits.exception';
import { CreditsService, sqlRows } from './credits.service';
import { HoldReferenceRegistry } from './hold-reference.registry';

export interface SweepOutcome {
  examined: number;
  releasedFinished: number;
  releasedStuck: number;
}

interface OpenHoldRow {
  id: string;
  reference_type: string | null;
  reference_id: string | null;
  created_at: Date;
}

/**
 * Releases holds nobody will settle: those whose reference is finished (or gone) according to its
 * module's resolver, and any open past CREDIT_HOLD_MAX_AGE_MINUTES. Runs on the scheduler
 * (`credits.sweep-holds`, every minute) and can be called directly.
 */
@Injectable()
export class HoldSweeperService {
  private readonly logger = new Logger('CreditHoldSweeper');

  constructor(
    private readonly dataSource: DataSource,
    private readonly credits: CreditsService,
    private readonly references: HoldReferenceRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sweep(now = new Date(), batch = 500): Promise<SweepOutcome> {
    const open = await sqlRows<OpenHoldRow>(
      this.dataSource.manager,
      `SELECT h.id, h.reference_type, h.reference_id, h.created_at FROM credit_entries h
        WHERE h.kind = 'hold' AND NOT EXISTS (SELECT 1 FROM credit_entries s WHERE s.hold_id = h.id AND s.kind IN ('capture','release'))
        ORDER BY h.created_at LIMIT $1`,
      [batch],
    );
    const outcome: SweepOutcome = { examined: open.length, releasedFinished: 0, releasedStuck: 0 };
    const maxAgeMs = this.config.credits.holdMaxAgeMinutes * 60_000;
    const byType = new Map<string, OpenHoldRow[]>();
    for (const h of open) {
      if (now.getTime() - h.created_at.getTime() > maxAgeMs) {
        if (await this.releaseQuietly(h.id, `Released by the sweeper: open for more than ${this.config.credits.holdMaxAgeMinutes} minutes.`)) outcome.releasedStuck += 1;
        continue;
      }
      const type = h.reference_type ?? '';
      byType.set(type, [...(byType.get(type) ?? []), h]);
    }
    for (const [type, holds] of byType) {
      const resolver = this.references.get(type);
      if (!resolver) continue;
      const states = await resolver.states(holds.map((h) => h.reference_id ?? ''));
      for (const h of holds) {
        const state = states.get(h.reference_id ?? '') ?? 'unknown';
        if (state === 'active') continue;
        if (await this.releaseQuietly(h.id, `Released by the sweeper: the ${type} is ${state === 'finished' ? 'finished' : 'gone'}.`)) outcome.releasedFinished += 1;
      }
    }
    if (outcome.releasedFinished + outcome.releasedStuck > 0) this.logger.log(outcome, 'open credit holds released');
    return outcome;
  }

  /** A hold captured meanwhile (the job finished between the query and now) is left alone. */
  private async releaseQuietly(holdId: string, reason: string): Promise<boolean> {
    try {
      await this.credits.release(holdId, reason);
      return true;
    } catch (error) {
      if (error instanceof HoldAlreadyCapturedException) return false;
      throw error;
    }
  }
}
