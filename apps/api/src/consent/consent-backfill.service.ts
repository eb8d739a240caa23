// Start-up backfill of decision 022, the consent ledger's sibling of IdentityBackfillService: seals
// the IPs and user agents that consent entries held in clear before (a migration has no keys) and
// clears them, the one UPDATE besides erasure that the ledger's append-only trigger allows. Run by
// main.ts before the API listens and by `npm run backfill-identity`; batched, resumable, and safe on
// several replicas at once (FOR UPDATE SKIP LOCKED).
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isIP } from 'node:net';
import { DataSource } from 'typeorm';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import { DataKeysService } from '../data-keys/data-keys.service';
import { consentRecordContext } from './consent.service';

@Injectable()
export class ConsentBackfillService {
  private readonly logger = new Logger('Consent');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: DataKeysService,
  ) {}

  /**
   * Seals every consent entry's clear IP / user agent with its owner's key and clears them; an
   * entry whose owner's key is destroyed only loses them. Returns how many entries it changed.
   */
  async sealLegacyClientInfo(batchSize = 500): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.dataSource.transaction(async (m) => {
        const rows: Array<{ id: string; user_id: string; ip: string | null; user_agent: string | null }> = await m.query(
          `SELECT id, user_id, ip, user_agent FROM consent_records WHERE ip IS NOT NULL OR user_agent IS NOT NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
          [batchSize],
        );
        for (const r of rows) {
          let ip: Buffer | null = null;
          let ua: Buffer | null = null;
          try {
            ip = r.ip !== null && isIP(r.ip) ? await this.keys.seal(r.user_id, r.ip, consentRecordContext('ip', r.id), m) : null;
            ua = r.user_agent === null ? null : await this.keys.seal(r.user_id, r.user_agent, consentRecordContext('user_agent', r.id), m);
          } catch (err) {
            // An erased person's entry (e.g. from a restored backup): the clear values go, nothing is sealed.
            if (!(err instanceof DataKeyDestroyedException)) throw err;
            ip = null;
            ua = null;
          }
          await m.query(
            `UPDATE consent_records SET ip_sealed = COALESCE(ip_sealed, $2), user_agent_sealed = COALESCE(user_agent_sealed, $3), ip = NULL, user_agent = NULL WHERE id = $1`,
            [r.id, ip, ua],
          );
        }
        return rows.length;
      });
      total += n;
      if (n < batchSize) break;
    }
    if (total) this.logger.log({ consentRecordsSealed: total }, 'consent backfill done');
    return total;
  }
}
