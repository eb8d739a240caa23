// Seals the support text and files written before migration 1795806681791 (decision 019; files in
// storage's sealed-stream format of decision 018, under a new object key): ticket
// by ticket, in bounded batches, every 10 minutes on the scheduler until none is left (each run
// stops after MAX_BATCHES_PER_RUN batches; the next run resumes, selection is by predicate).
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { CronExpression } from '@nestjs/schedule';
import { DataSource } from 'typeorm';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { StorageService } from '../storage/storage.service';
import { SupportCipher, bodyContext, fileNameContext, subjectContext } from './support-cipher';

export const SUPPORT_SEAL_BACKFILL_TASK = 'support.seal-backfill';
const BATCH = 50;
const MAX_BATCHES_PER_RUN = 200;

@Injectable()
export class SupportSealBackfill implements OnModuleInit {
  private readonly logger = new Logger('Support');

  constructor(
    private readonly dataSource: DataSource,
    private readonly runner: ScheduledTaskRunner,
    private readonly cipher: SupportCipher,
    private readonly storage: StorageService,
  ) {}

  onModuleInit(): void {
    this.runner.schedule(SUPPORT_SEAL_BACKFILL_TASK, CronExpression.EVERY_10_MINUTES, async ({ signal }) => {
      let total = 0;
      for (let i = 0; i < MAX_BATCHES_PER_RUN && !signal.aborted; i++) {
        const n = await this.backfillBatch(BATCH);
        total += n;
        if (n === 0) break;
      }
      if (total > 0) this.logger.log({ tickets: total }, 'sealed the text and files of older tickets');
    });
  }

  /** Seals up to `batchSize` tickets still holding clear text or clear files; returns how many were sealed (0: done). */
  async backfillBatch(batchSize: number): Promise<number> {
    const replaced: string[] = [];
    const written: string[] = [];
    try {
      const n = await this.dataSource.transaction(async (m) => {
        const due: Array<{ id: string; owner: string; subject: string | null }> = await m.query(
          `SELECT id, data_key_owner AS owner, subject FROM support_tickets WHERE NOT text_sealed ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize],
        );
        for (const t of due) {
          if (t.subject !== null) {
            await m.query(`UPDATE support_tickets SET subject_sealed = $2, subject = NULL WHERE id = $1`, [t.id, await this.cipher.seal(t.owner, t.subject, subjectContext(t.id), m)]);
          }
          const messages: Array<{ id: string; body: string }> = await m.query(`SELECT id, body FROM support_ticket_messages WHERE ticket_id = $1 AND body IS NOT NULL`, [t.id]);
          for (const msg of messages) {
            await m.query(`UPDATE support_ticket_messages SET body_sealed = $2, body = NULL WHERE id = $1`, [msg.id, await this.cipher.seal(t.owner, msg.body, bodyContext(msg.id), m)]);
          }
          const files: Array<{ id: string; fileName: string | null; storageKey: string }> = await m.query(
            `SELECT id, file_name AS "fileName", storage_key AS "storageKey" FROM support_ticket_attachments WHERE ticket_id = $1 AND NOT sealed`,
            [t.id],
          );
          for (const f of files) {
            // A new object, so that the row and the object it names always agree (the clear one goes after commit).
            // Streamed through storage's sealing (decision 018): the file is never held whole in memory.
            const key = `support/attachments/${f.id}.${randomUUID().slice(0, 8)}`;
            const clear = await this.storage.get(f.storageKey);
            written.push(key);
            await this.storage.put(key, clear.stream, { contentType: clear.contentType, metadata: clear.metadata, sealFor: t.owner });
            const name = f.fileName === null ? null : await this.cipher.seal(t.owner, f.fileName, fileNameContext(f.id), m);
            await m.query(`UPDATE support_ticket_attachments SET sealed = true, storage_key = $2, file_name_sealed = COALESCE($3, file_name_sealed), file_name = NULL WHERE id = $1`, [f.id, key, name]);
            replaced.push(f.storageKey);
          }
          await m.query(`UPDATE support_tickets SET text_sealed = true WHERE id = $1`, [t.id]);
        }
        return due.length;
      });
      for (const key of replaced) await this.storage.delete(key);
      return n;
    } catch (err) {
      for (const key of written) await this.storage.delete(key);
      // Keys created in the rolled-back transaction may be cached: forget them (they were never stored).
      this.cipher.keys.clearCache();
      throw err;
    }
  }
}
