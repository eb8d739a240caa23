// Retention of the audit log (COMPLIANCE.md: 6 years; never edited; old segments archived with
// their chain hash). The archive itself runs on its own clock (AuditArchiveService); this sweeper
// purges the files of segments whose every entry is older than the policy's period. Each segment's
// row stays, with its boundary hashes, so the rest of the chain still verifies.
//
// Legal holds are not consulted: the audit log is accountability evidence, not personal data kept
// for a service, and its period is fixed by law; a hold that must keep older entries is met by
// extending the policy's keep days (docs/audit-log.md, decision 021).
import type { EntityManager } from 'typeorm';
import type { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow } from '../retention/retention-sweepers.registry';
import type { AuditArchiveService } from './audit-archive.service';

/** Segment files purged per batch (each is a storage delete). */
const MAX_SEGMENTS_PER_BATCH = 50;

export function auditSegmentsSweeper(archive: AuditArchiveService): RetentionSweeper {
  return {
    category: 'audit_log_archive',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      return { matched: (await archive.purgeable(w.cutoff, m)).length, held: 0, heldExamples: [] };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      return { deleted: await archive.purgeFiles(w.cutoff, Math.min(batchSize, MAX_SEGMENTS_PER_BATCH), m), anonymised: 0 };
    },
  };
}
