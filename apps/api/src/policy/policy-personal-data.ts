import type { DataSource } from 'typeorm';
import type { ErasureOutcome, PersonalDataRecord, PersonalDataSource, PersonalDataSubject } from '../personal-data/personal-data.registry';

/**
 * `policy.acknowledgements`: which notices the user acknowledged and when, and which notice emails
 * were sent to them. Erasure deletes both (nothing depends on them; campaign counters keep totals).
 */
export function policyAcknowledgementsSource(dataSource: DataSource): PersonalDataSource {
  return {
    category: 'policy.acknowledgements',
    description: 'The policy-change and sub-processor notices you acknowledged, and the notice emails sent to you.',
    purposes: ['informing you of changes to the privacy policy', 'proof that you were informed'],
    sources: ['user', 'system'],
    async *export(subject: PersonalDataSubject): AsyncIterable<PersonalDataRecord> {
      const acks = (await dataSource.query(
        `SELECT a.notice_id, n.title, v.version, a.acknowledged_at FROM notice_acknowledgements a JOIN notices n ON n.id = a.notice_id
           LEFT JOIN policy_versions v ON v.id = n.policy_version_id WHERE a.user_id = $1 ORDER BY a.acknowledged_at`,
        [subject.userId],
      )) as Array<{ notice_id: string; title: string; version: string | null; acknowledged_at: Date }>;
      for (const a of acks) {
        yield { data: { type: 'acknowledgement', noticeId: a.notice_id, notice: a.title, policyVersion: a.version, acknowledgedAt: a.acknowledged_at.toISOString() } };
      }
      const sent = (await dataSource.query(
        `SELECT r.campaign_id, c.subject, r.notification_id FROM notice_campaign_recipients r JOIN notice_campaigns c ON c.id = r.campaign_id WHERE r.user_id = $1 ORDER BY c.created_at`,
        [subject.userId],
      )) as Array<{ campaign_id: string; subject: string; notification_id: string }>;
      for (const s of sent) yield { data: { type: 'notice_email', campaignId: s.campaign_id, subject: s.subject, notificationId: s.notification_id } };
    },
    async erase(subject: PersonalDataSubject): Promise<ErasureOutcome> {
      return dataSource.transaction(async (m) => {
        const [{ n: acks }] = (await m.query(`WITH d AS (DELETE FROM notice_acknowledgements WHERE user_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [subject.userId])) as [{ n: number }];
        const [{ n: sent }] = (await m.query(`WITH d AS (DELETE FROM notice_campaign_recipients WHERE user_id = $1 RETURNING 1) SELECT count(*)::int AS n FROM d`, [subject.userId])) as [{ n: number }];
        return { deleted: acks + sent, anonymised: 0, retained: [] };
      });
    },
  };
}
