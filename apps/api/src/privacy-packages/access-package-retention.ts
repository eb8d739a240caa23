// Retention of access and portability packages (COMPLIANCE.md: purged 7 days after ready). The
// `access_packages` policy's keep days are the period (ACCESS_PACKAGE_RETENTION_DAYS is gone): the
// sweep deletes the zips of ready packages older than that and marks them purged; the rows stay for
// the request's record and their download links answer 410. A package whose user is under a legal
// hold is kept.
import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service';
import { RetentionSweeper, SweepBatchResult, SweepPreview, SweepWindow, userHeldSql } from '../retention/retention-sweepers.registry';
import type { StorageService } from '../storage/storage.service';

/** Packages per batch: each is one or more storage deletes. */
const MAX_PACKAGES_PER_BATCH = 500;
const DUE = `p.state = 'ready' AND p.ready_at <= $1`;

export function accessPackagesSweeper(deps: { storage: StorageService; audit: AuditService }): RetentionSweeper {
  return {
    category: 'access_packages',
    async preview(w: SweepWindow, m: EntityManager): Promise<SweepPreview> {
      const [{ matched, held }]: Array<{ matched: number; held: number }> = await m.query(
        `SELECT count(*)::int AS matched, count(*) FILTER (WHERE ${userHeldSql('p.user_id')})::int AS held FROM access_packages p WHERE ${DUE}`,
        [w.cutoff],
      );
      const examples: Array<{ id: string; hold_id: string; reason: string }> = await m.query(
        `SELECT p.id, lh.id AS hold_id, lh.reason FROM access_packages p
           JOIN legal_holds lh ON lh.scope_type = 'user' AND lh.scope_id = p.user_id AND lh.released_at IS NULL AND (lh.expires_at IS NULL OR lh.expires_at > now())
          WHERE ${DUE} ORDER BY p.ready_at LIMIT 10`,
        [w.cutoff],
      );
      return { matched, held, heldExamples: examples.map((e) => ({ recordId: e.id, holdId: e.hold_id, reason: e.reason })) };
    },
    async sweepBatch(w: SweepWindow, batchSize: number, m: EntityManager): Promise<SweepBatchResult> {
      const due: Array<{ id: string }> = await m.query(
        `SELECT p.id FROM access_packages p WHERE ${DUE} AND NOT ${userHeldSql('p.user_id')} ORDER BY p.ready_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
        [w.cutoff, Math.min(batchSize, MAX_PACKAGES_PER_BATCH)],
      );
      if (due.length === 0) return { deleted: 0, anonymised: 0 };
      const ids = due.map((d) => d.id);
      await m.query(`UPDATE access_packages SET state = 'purged', updated_at = now() WHERE id = ANY($1::uuid[])`, [ids]);
      await deps.audit.record({ action: 'access_package.purge', actor: { type: 'system', id: 'retention' }, details: { packages: ids.length, packageIds: ids.slice(0, 100) } }, m);
      // Every attempt's zip (a crashed attempt may have left one), after the rows are marked in this transaction.
      for (const id of ids) for await (const object of deps.storage.list(`privacy-packages/${id}/`)) await deps.storage.delete(object.key);
      return { deleted: ids.length, anonymised: 0 };
    },
  };
}
