// What each retention category's sweep does. The module that owns the data registers a sweeper for
// its category (identity: access logs and codes; generation: videos; support: tickets; …); the
// retention service runs them on its clock and from the console, in bounded batches.
import { Injectable } from '@nestjs/common';
import type { RetentionCategory } from '@soar2/privacy';
import type { EntityManager } from 'typeorm';

export interface SweepWindow {
  /** Records whose anchor is at or before this instant are due. */
  cutoff: Date;
  keepDays: number;
}

export interface SweepPreview {
  /** Due records, held ones included. */
  matched: number;
  /** Due records that an active legal hold keeps. */
  held: number;
  /** A few held records with the hold that keeps each, for the console. */
  heldExamples: Array<{ recordId: string; holdId: string; reason: string }>;
}

export interface SweepBatchResult {
  deleted: number;
  anonymised: number;
}

export interface RetentionSweeper {
  category: RetentionCategory;
  /** Dry run: what would go, and what is held and why. Reads only. */
  preview(window: SweepWindow, manager: EntityManager): Promise<SweepPreview>;
  /**
   * Deletes or anonymises at most `batchSize` due records that no active legal hold covers, inside
   * the given transaction. The service calls it until a batch processes nothing, so it must select
   * by predicate (a crash between batches loses nothing and the next run resumes).
   */
  sweepBatch(window: SweepWindow, batchSize: number, manager: EntityManager): Promise<SweepBatchResult>;
}

@Injectable()
export class RetentionSweeperRegistry {
  private readonly sweepers = new Map<RetentionCategory, RetentionSweeper>();

  register(sweeper: RetentionSweeper): void {
    if (this.sweepers.has(sweeper.category)) throw new Error(`A retention sweeper for "${sweeper.category}" is registered twice.`);
    this.sweepers.set(sweeper.category, sweeper);
  }

  get(category: string): RetentionSweeper | undefined {
    return this.sweepers.get(category as RetentionCategory);
  }

  categories(): RetentionCategory[] {
    return [...this.sweepers.keys()];
  }
}

/** SQL true when an active legal hold covers the user in `userColumn` (for sweeps of user-owned rows). */
export function userHeldSql(userColumn: string): string {
  return `EXISTS (SELECT 1 FROM legal_holds lh WHERE lh.scope_type = 'user' AND lh.scope_id = ${userColumn} AND lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now()))`;
}
