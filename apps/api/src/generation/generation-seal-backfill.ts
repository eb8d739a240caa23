// `npm run seal-backfill`: seals what generation stored in clear before decision 018, in batches,
// resumable at any point (each batch selects by predicate). Prompts: clear `prompt` → `prompt_sealed`,
// the clear column emptied. Files: a reference image, video or thumbnail without the sealed marker is
// read and written back sealed under the same key (the job's plaintext checksums stay valid).
import type { DataSource } from 'typeorm';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import type { DataKeysService } from '../data-keys/data-keys.service';
import type { StorageService } from '../storage/storage.service';
import { promptContext } from './generation-job';

export interface SealBackfillResult {
  prompts: number;
  files: number;
  /** Rows of erased users (destroyed key) left for erasure to delete. */
  skipped: number;
}

export async function sealBackfill(deps: { dataSource: DataSource; dataKeys: DataKeysService; storage: StorageService }, batchSize = 200): Promise<SealBackfillResult> {
  const result: SealBackfillResult = { prompts: 0, files: 0, skipped: 0 };
  const skipped = new Set<string>();
  for (;;) {
    const sealed = await deps.dataSource.transaction(async (m) => {
      const rows: Array<{ id: string; user_id: string; prompt: string }> = await m.query(
        `SELECT id, user_id, prompt FROM generation_jobs WHERE prompt IS NOT NULL AND user_id IS NOT NULL AND NOT (id = ANY($2::uuid[]))
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize, [...skipped]],
      );
      for (const r of rows) {
        try {
          // The key outside this transaction: one made inside and cached would outlive a rollback.
          const box = await deps.dataKeys.seal(r.user_id, r.prompt, promptContext(r.id));
          await m.query(`UPDATE generation_jobs SET prompt_sealed = $2, prompt = NULL WHERE id = $1`, [r.id, box]);
          result.prompts += 1;
        } catch (err) {
          if (!(err instanceof DataKeyDestroyedException)) throw err;
          skipped.add(r.id);
          result.skipped += 1;
        }
      }
      return rows.length;
    });
    if (sealed === 0) break;
  }
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const jobs: Array<{ id: string; user_id: string; keys: Array<string | null> }> = await deps.dataSource.query(
      `SELECT id, user_id, ARRAY[reference_key, video_key, thumbnail_key] AS keys FROM generation_jobs
        WHERE id > $1 AND user_id IS NOT NULL AND (reference_key IS NOT NULL OR video_key IS NOT NULL OR thumbnail_key IS NOT NULL)
        ORDER BY id LIMIT $2`,
      [after, batchSize],
    );
    if (jobs.length === 0) break;
    for (const job of jobs) {
      for (const key of job.keys) {
        if (!key || !(await deps.storage.exists(key)) || (await deps.storage.sealedOwner(key)) !== null) continue;
        const read = await deps.storage.get(key);
        await deps.storage.put(key, read.stream, { contentType: read.contentType, metadata: read.metadata, sealFor: job.user_id });
        result.files += 1;
      }
      after = job.id;
    }
  }
  return result;
}
