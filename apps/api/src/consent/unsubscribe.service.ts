import { Inject, Injectable } from '@nestjs/common';
import { MARKETING_EMAILS, issueUnsubscribeToken, verifyUnsubscribeToken } from '@soar2/privacy';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UnsubscribeTokenInvalidException } from './consent.exception';
import { ConsentService } from './consent.service';
import { UnsubscribeKeyService } from './unsubscribe-key.service';

export interface UnsubscribeOutcome {
  /** `unsubscribed`: consent withdrawn now; `already_unsubscribed`: nothing was granted, or this link was used before. */
  status: 'unsubscribed' | 'already_unsubscribed';
  purpose: string;
}

/** RFC 8058 one-click unsubscribe: signed links in List-Unsubscribe, usable once, answered the same every time. */
@Injectable()
export class UnsubscribeService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly consent: ConsentService,
    private readonly keys: UnsubscribeKeyService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The List-Unsubscribe headers of a marketing email to this user (RFC 2369 + RFC 8058). */
  headersFor(userId: string, purpose: string = MARKETING_EMAILS): Record<string, string> {
    const token = issueUnsubscribeToken(userId, purpose, this.keys.key);
    const url = `${this.config.publicUrl}/v1/unsubscribe/${token}`;
    return {
      'List-Unsubscribe': `<${url}>, <mailto:${this.config.consent.unsubscribeMailto}?subject=unsubscribe>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
  }

  /** Checks a token without using it (the confirmation page of a GET). */
  check(token: string): { purpose: string } {
    const checked = verifyUnsubscribeToken(token, this.keys.key);
    if (!checked.ok) throw new UnsubscribeTokenInvalidException();
    return { purpose: checked.claims.purpose };
  }

  /**
   * Withdraws the consent the link is about. Idempotent: the first use records the withdrawal; a
   * replay of the same link answers `already_unsubscribed` and writes nothing, even when the person
   * has opted in again since (an old email's link does not undo a newer choice).
   */
  async unsubscribe(token: string, client: { ip: string | null; userAgent: string | null }): Promise<UnsubscribeOutcome> {
    const checked = verifyUnsubscribeToken(token, this.keys.key);
    if (!checked.ok) throw new UnsubscribeTokenInvalidException();
    const { tid, userId, purpose } = checked.claims;
    if (!this.consent.purposes.includes(purpose)) throw new UnsubscribeTokenInvalidException();
    return this.dataSource.transaction(async (manager) => {
      const used = (await manager.query(
        `INSERT INTO consent_unsubscribe_uses (token_id, user_id, purpose) VALUES ($1, $2, $3) ON CONFLICT (token_id) DO NOTHING RETURNING token_id`,
        [tid, userId, purpose],
      )) as unknown[];
      if (used.length === 0) return { status: 'already_unsubscribed' as const, purpose };
      const record = await this.consent.record({ userId, purpose, granted: false, source: 'user', reference: `unsubscribe:${tid}`, ip: client.ip, userAgent: client.userAgent }, manager);
      if (record) await manager.query(`UPDATE consent_unsubscribe_uses SET consent_record_id = $2 WHERE token_id = $1`, [tid, record.id]);
      return { status: record ? ('unsubscribed' as const) : ('already_unsubscribed' as const), purpose };
    });
  }
}
