import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Generation at rest (decision 018): prompts are stored sealed with the owner's data key in
 * `prompt_sealed`; the clear `prompt` column becomes nullable and is emptied by
 * `npm run cli -- seal-backfill` for rows written before (docs/generation.md), then dropped by a
 * later migration. `expiry_noticed_at` records the "your videos expire soon" notice per job, so
 * each batch of expiring videos is announced once.
 */
export class GenerationSealedAndExpiry1795805854590 implements MigrationInterface {
  name = 'GenerationSealedAndExpiry1795805854590';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE generation_jobs ADD COLUMN prompt_sealed bytea`);
    await q.query(`ALTER TABLE generation_jobs ALTER COLUMN prompt DROP NOT NULL`);
    await q.query(`ALTER TABLE generation_jobs ADD CONSTRAINT generation_jobs_prompt_kept CHECK (prompt IS NOT NULL OR prompt_sealed IS NOT NULL)`);
    await q.query(`ALTER TABLE generation_jobs ADD COLUMN expiry_noticed_at timestamptz`);
    await q.query(
      `CREATE INDEX generation_jobs_finished_idx ON generation_jobs (completed_at) WHERE deleted_at IS NULL AND status IN ('completed', 'failed', 'canceled')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS generation_jobs_finished_idx`);
    await q.query(`ALTER TABLE generation_jobs DROP COLUMN IF EXISTS expiry_noticed_at`);
    await q.query(`ALTER TABLE generation_jobs DROP CONSTRAINT IF EXISTS generation_jobs_prompt_kept`);
    // Sealed prompts cannot be opened in SQL: reverting leaves their rows with an empty clear prompt.
    await q.query(`UPDATE generation_jobs SET prompt = '' WHERE prompt IS NULL`);
    await q.query(`ALTER TABLE generation_jobs ALTER COLUMN prompt SET NOT NULL`);
    await q.query(`ALTER TABLE generation_jobs DROP COLUMN IF EXISTS prompt_sealed`);
  }
}
