import { consentReceipt } from '@soar2/privacy';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import type { ErasureOutcome, PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';
import type { ConsentService } from './consent.service';

/** Why consent entries outlive an erasure (docs/consent-and-policy.md, docs/decisions/010). */
export const CONSENT_RETENTION_BASIS =
  'Proof of consent and of honoured withdrawals/opt-outs (GDPR Art. 7(1), Art. 17(3)(b) and (e); CCPA regulations §7101: records kept 24 months); kept without IP address or user agent.';

/**
 * `consent.records`: every grant and withdrawal, exported as Kantara Consent Receipt–aligned JSON.
 * Erasure keeps the entries (the proof that consent was given, withdrawn, or that an opt-out was
 * honoured) but strips the IP address and user agent (sealed ones too: the key's destruction makes
 * copies in backups unreadable, decision 022), and deletes the used-unsubscribe-link rows.
 */
export function consentRecordsSource(dataSource: DataSource, consent: ConsentService, config: AppConfig): PersonalDataSource {
  return {
    category: 'consent.records',
    description: 'Your consent choices (marketing emails, analytics, product improvement, do-not-sell/share), each as a consent receipt: when, how, under which policy version, from which IP address and browser.',
    purposes: ['proof of consent', 'honouring opt-outs and withdrawals'],
    sources: ['user', 'device', 'staff', 'system'],
    async *export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord> {
      const users = (await dataSource.query(`SELECT region FROM users WHERE id = $1`, [subject.userId])) as Array<{ region: string | null }>;
      const jurisdiction = users[0]?.region ?? null;
      for (const r of await consent.history(subject.userId)) {
        yield {
          data: consentReceipt(
            { id: r.id, purpose: r.purpose, granted: r.granted, source: r.source, recordedAt: r.recordedAt, policyVersion: r.policyVersion, ip: r.ip, userAgent: r.userAgent, reference: r.reference },
            { userId: subject.userId, jurisdiction },
            { name: 'Soar2 AI', contact: 'support@soar2ai.com', policyUrl: `${config.publicUrl}/v1/policy` },
          ),
        };
      }
    },
    async erase(subject: PersonalDataSubject): Promise<ErasureOutcome> {
      return dataSource.transaction(async (m) => {
        const [{ n: anonymised }] = (await m.query(
          `WITH a AS (UPDATE consent_records SET ip = NULL, user_agent = NULL, ip_sealed = NULL, user_agent_sealed = NULL
                        WHERE user_id = $1 AND (ip IS NOT NULL OR user_agent IS NOT NULL OR ip_sealed IS NOT NULL OR user_agent_sealed IS NOT NULL) RETURNING 1)
           SELECT count(*)::int AS n FROM a`,
          [subject.userId],
        )) as [{ n: number }];
        const [{ n: deleted }] = (await m.query(`WITH d AS (DELETE FROM consent_unsubscribe_uses WHERE user_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [subject.userId])) as [{ n: number }];
        const [{ n }] = (await m.query(`SELECT count(*)::int AS n FROM consent_records WHERE user_id = $1`, [subject.userId])) as [{ n: number }];
        return { deleted, anonymised, retained: n > 0 ? [{ count: n, basis: CONSENT_RETENTION_BASIS }] : [] };
      });
    },
  };
}
