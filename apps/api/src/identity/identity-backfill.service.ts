// Start-up backfills of decision 020 that a migration cannot do because they need configured keys:
// `users.email_lookup` (EMAIL_LOOKUP_KEY) and the sealing of access-log IPs and user agents that
// were written in clear before (the users' data keys). Run by main.ts before the API listens and by
// `npm run backfill-identity`; batched, resumable, and safe on several replicas at once.
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import { DataKeysService } from '../data-keys/data-keys.service';
import { accessLogContext } from './access-log.service';
import { EmailLookupService } from './email-lookup.service';

const ERASED = `email NOT LIKE 'erased+%@erased.invalid'`;

export interface IdentityBackfillResult {
  /** Accounts that got (or, with rehash, had recomputed) their email lookup hash. */
  emailLookups: number;
  /** Accounts left without one because another account already holds the same normalised address. */
  emailLookupConflicts: string[];
  /** Access-log rows whose clear IP / user agent were sealed (or dropped, the owner's key being destroyed). */
  accessLogSealed: number;
}

@Injectable()
export class IdentityBackfillService {
  private readonly logger = new Logger('Identity');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly emailLookup: EmailLookupService,
    private readonly keys: DataKeysService,
  ) {}

  /** Both backfills; `rehash` recomputes every lookup hash (after EMAIL_LOOKUP_KEY changed). */
  async run(options: { rehash?: boolean; batchSize?: number } = {}): Promise<IdentityBackfillResult> {
    const lookups = await this.backfillEmailLookups(options);
    const accessLogSealed = await this.sealAccessLog(options.batchSize ?? 500);
    const result = { emailLookups: lookups.updated, emailLookupConflicts: lookups.conflicts, accessLogSealed };
    if (result.emailLookups || result.accessLogSealed || result.emailLookupConflicts.length) this.logger.log(result, 'identity backfill done');
    if (result.emailLookupConflicts.length) {
      this.logger.warn({ userIds: result.emailLookupConflicts }, 'accounts whose address differs from another one only by case or spaces were left without an email lookup: merge or correct them');
    }
    return result;
  }

  async backfillEmailLookups(options: { rehash?: boolean; batchSize?: number } = {}): Promise<{ updated: number; conflicts: string[] }> {
    const batchSize = options.batchSize ?? 1000;
    let after = '00000000-0000-0000-0000-000000000000';
    let updated = 0;
    const conflicts: string[] = [];
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const rows: Array<{ id: string; email: string }> = await m.query(
          `SELECT id, email FROM users WHERE ${options.rehash ? '' : 'email_lookup IS NULL AND '}${ERASED} AND id > $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED`,
          [after, batchSize],
        );
        if (rows.length === 0) return 0;
        after = rows[rows.length - 1]!.id;
        const seen = new Set<string>();
        const ids: string[] = [];
        const hashes: Buffer[] = [];
        for (const r of rows) {
          const h = this.emailLookup.of(r.email);
          if (seen.has(h.toString('hex'))) {
            conflicts.push(r.id);
            continue;
          }
          seen.add(h.toString('hex'));
          ids.push(r.id);
          hashes.push(h);
        }
        if (options.rehash) await m.query(`UPDATE users SET email_lookup = NULL WHERE id = ANY($1::uuid[])`, [ids]);
        const done: Array<{ id: string }> = await m.query(
          `WITH done AS (
             UPDATE users u SET email_lookup = v.h FROM unnest($1::uuid[], $2::bytea[]) AS v(id, h)
              WHERE u.id = v.id AND NOT EXISTS (SELECT 1 FROM users o WHERE o.email_lookup = v.h AND o.id <> v.id)
             RETURNING u.id)
           SELECT id FROM done`,
          [ids, hashes],
        );
        const doneIds = new Set(done.map((d) => d.id));
        for (const id of ids) if (!doneIds.has(id)) conflicts.push(id);
        updated += done.length;
        return rows.length;
      });
      if (n < batchSize) return { updated, conflicts };
    }
  }

  async sealAccessLog(batchSize = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const rows: Array<{ id: string; user_id: string; ip: string | null; user_agent: string | null }> = await m.query(
          `SELECT id, user_id, host(ip) AS ip, user_agent FROM access_log WHERE ip IS NOT NULL OR user_agent IS NOT NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize],
        );
        for (const r of rows) {
          let ip: Buffer | null = null;
          let ua: Buffer | null = null;
          try {
            ip = r.ip === null ? null : await this.keys.seal(r.user_id, r.ip, accessLogContext('ip', r.id), m);
            ua = r.user_agent === null ? null : await this.keys.seal(r.user_id, r.user_agent, accessLogContext('user_agent', r.id), m);
          } catch (err) {
            // An erased user's row (e.g. from a restored backup): its clear values go, nothing is sealed.
            if (!(err instanceof DataKeyDestroyedException)) throw err;
          }
          await m.query(`UPDATE access_log SET ip_sealed = $2, user_agent_sealed = $3, ip = NULL, user_agent = NULL WHERE id = $1`, [r.id, ip, ua]);
        }
        return rows.length;
      });
      total += n;
      if (n < batchSize) return total;
    }
  }
}
