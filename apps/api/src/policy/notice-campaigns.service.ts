import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobsService } from '../jobs/jobs.service';
import { NotificationsService } from '../notifications/notifications.service';
import { NoticeCampaignNotFoundException } from './policy.exception';

export const NOTICE_CAMPAIGN_QUEUE = 'policy.notice-campaign';
export const NOTICE_EMAIL_KIND = 'policy.change_notice';

export const NOTICE_CAMPAIGN_LIST_RULES: ListQueryRules = {
  sortable: ['createdAt'],
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'noticeId'],
};

/** A campaign with its progress: how many accounts were queued and what the outbox did with them. */
export interface NoticeCampaignView {
  id: string;
  noticeId: string;
  noticeTitle: string;
  subject: string;
  /** `sending`: batches still being queued; `delivering`: all queued, the outbox is still sending; `completed`: every message sent, failed or suppressed. */
  state: 'queued' | 'sending' | 'delivering' | 'completed';
  total: number;
  enqueued: number;
  batches: number;
  sent: number;
  failed: number;
  pending: number;
  createdAt: Date;
  startedAt: Date | null;
  enqueuedAt: Date | null;
}

interface CampaignRow {
  id: string;
  notice_id: string;
  notice_title: string;
  subject: string;
  status: 'queued' | 'sending' | 'enqueued';
  total: number;
  enqueued: number;
  batches: number;
  sent: number;
  failed: number;
  pending: number;
  created_at: Date;
  started_at: Date | null;
  enqueued_at: Date | null;
}

const SELECT = `
  SELECT c.id, c.notice_id, n.title AS notice_title, c.subject, c.status, c.total, c.enqueued, c.batches, c.created_at, c.started_at, c.enqueued_at,
         coalesce(p.sent, 0)::int AS sent, coalesce(p.failed, 0)::int AS failed, coalesce(p.pending, 0)::int AS pending
    FROM notice_campaigns c
    JOIN notices n ON n.id = c.notice_id
    LEFT JOIN LATERAL (
      SELECT count(*) FILTER (WHERE o.status = 'sent') AS sent,
             count(*) FILTER (WHERE o.status IN ('failed','suppressed')) AS failed,
             count(*) FILTER (WHERE o.status IN ('queued','sending')) AS pending
        FROM notice_campaign_recipients r JOIN notifications o ON o.id = r.notification_id
       WHERE r.campaign_id = c.id) p ON true`;

function toView(r: CampaignRow): NoticeCampaignView {
  const state = r.status === 'queued' ? 'queued' : r.status === 'sending' ? 'sending' : r.pending > 0 ? 'delivering' : 'completed';
  return {
    id: r.id,
    noticeId: r.notice_id,
    noticeTitle: r.notice_title,
    subject: r.subject,
    state,
    total: r.total,
    enqueued: r.enqueued,
    batches: r.batches,
    sent: r.sent,
    failed: r.failed,
    pending: r.pending,
    createdAt: r.created_at,
    startedAt: r.started_at,
    enqueuedAt: r.enqueued_at,
  };
}

/**
 * Emails a notice to every active account (service-critical: policy changes cannot be opted out of),
 * in throttled batches: a pg-boss job queues POLICY_CAMPAIGN_BATCH_SIZE messages in the outbox, then
 * schedules the next batch POLICY_CAMPAIGN_INTERVAL_SECONDS later. Batches are idempotent (one
 * recipient row per account and campaign, taken under the campaign's row lock).
 */
@Injectable()
export class NoticeCampaignsService implements OnModuleInit {
  private readonly logger = new Logger('Policy');

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobsService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.work<{ campaignId: string }>(
      NOTICE_CAMPAIGN_QUEUE,
      async (jobs) => {
        for (const job of jobs) await this.runBatch(job.data.campaignId);
      },
      { batchSize: 1, pollingIntervalSeconds: 1 },
    );
  }

  /** Creates the campaign in the caller's transaction; call `start` after it commits. */
  async create(noticeId: string, subject: string, text: string, manager: EntityManager): Promise<string> {
    const [row] = (await manager.query(
      `INSERT INTO notice_campaigns (notice_id, subject, text_body, total) VALUES ($1, $2, $3, (SELECT count(*) FROM users WHERE status = 'active')) RETURNING id`,
      [noticeId, subject, text],
    )) as Array<{ id: string }>;
    if (!row) throw new Error('campaign insert returned nothing');
    return row.id;
  }

  async start(campaignId: string, delaySeconds = 0): Promise<void> {
    await this.jobs.send(NOTICE_CAMPAIGN_QUEUE, { campaignId }, delaySeconds > 0 ? { startAfter: delaySeconds } : {});
  }

  /** Queues the next batch; returns how many messages it queued. */
  async runBatch(campaignId: string): Promise<number> {
    const { queued, more } = await this.dataSource.transaction(async (m) => {
      const [c] = (await m.query(`SELECT id, subject, text_body, status FROM notice_campaigns WHERE id = $1 FOR UPDATE`, [campaignId])) as Array<{
        id: string;
        subject: string;
        text_body: string;
        status: string;
      }>;
      if (!c || c.status === 'enqueued') return { queued: 0, more: false };
      const users = (await m.query(
        `SELECT u.id, u.email FROM users u
          WHERE u.status = 'active' AND NOT EXISTS (SELECT 1 FROM notice_campaign_recipients r WHERE r.campaign_id = $1 AND r.user_id = u.id)
          ORDER BY u.id LIMIT $2`,
        [campaignId, this.config.policy.campaignBatchSize],
      )) as Array<{ id: string; email: string }>;
      for (const u of users) {
        const notificationId = await this.notifications.enqueue({ kind: NOTICE_EMAIL_KIND, class: 'service_critical', to: u.email, userId: u.id, subject: c.subject, text: c.text_body }, m);
        await m.query(`INSERT INTO notice_campaign_recipients (campaign_id, user_id, notification_id) VALUES ($1, $2, $3)`, [campaignId, u.id, notificationId]);
      }
      const done = users.length < this.config.policy.campaignBatchSize;
      await m.query(
        `UPDATE notice_campaigns SET enqueued = enqueued + $2, batches = batches + 1, started_at = coalesce(started_at, now()),
                status = CASE WHEN $3 THEN 'enqueued' ELSE 'sending' END,
                enqueued_at = CASE WHEN $3 THEN now() ELSE NULL END,
                total = CASE WHEN $3 THEN enqueued + $2 ELSE greatest(total, enqueued + $2) END
          WHERE id = $1`,
        [campaignId, users.length, done],
      );
      return { queued: users.length, more: !done };
    });
    this.logger.log({ campaignId, queued, more }, 'notice campaign batch queued');
    if (more) await this.start(campaignId, this.config.policy.campaignIntervalSeconds);
    return queued;
  }

  async list(q: ListQuery): Promise<ListPage<NoticeCampaignView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (typeof q.filter.noticeId === 'string') where.push(`c.notice_id::text = $${params.push(q.filter.noticeId)}`);
    const ids = q.filter.id === undefined ? undefined : Array.isArray(q.filter.id) ? q.filter.id : [q.filter.id];
    if (ids) where.push(`c.id::text = ANY($${params.push(ids.map(String))}::text[])`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const rows = (await this.dataSource.query(`${SELECT} ${clause} ORDER BY c.created_at ${q.sortOrder} OFFSET $${params.length + 1} LIMIT $${params.length + 2}`, [
      ...params,
      q.skip,
      q.take,
    ])) as CampaignRow[];
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM notice_campaigns c ${clause}`, params)) as [{ n: number }];
    return new ListPage('notice-campaigns', rows.map(toView), q.skip, n);
  }

  async get(id: string): Promise<NoticeCampaignView> {
    const rows = (await this.dataSource.query(`${SELECT} WHERE c.id = $1`, [id])) as CampaignRow[];
    if (!rows[0]) throw new NoticeCampaignNotFoundException();
    return toView(rows[0]);
  }
}
