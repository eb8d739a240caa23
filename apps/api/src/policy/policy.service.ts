import { Inject, Injectable, Logger } from '@nestjs/common';
import { isoDate, publishProblems } from '@soar2/privacy';
import { DataSource, EntityManager } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ValidationFailedException } from '../errors/domain.exception';
import { NoticeCampaignsService } from './notice-campaigns.service';
import { PolicyVersionDraft, parsePolicyVersionInput, parsePublishInput } from './policy-input';
import {
  NoPolicyInForceException,
  NoticeNotFoundException,
  PolicyVersionNotFoundException,
  PolicyVersionPublishedException,
  PolicyVersionTakenException,
} from './policy.exception';

export interface PolicyVersionRef {
  id: string;
  version: string;
}

export interface PolicyVersionView {
  id: string;
  version: string;
  title: string;
  body: string;
  summaryOfChanges: string;
  significant: boolean;
  status: 'draft' | 'published';
  effectiveAt: Date | null;
  /** The "Last Updated" date shown with the policy (YYYY-MM-DD), set at publication. */
  lastUpdated: string | null;
  publishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface NoticeView {
  id: string;
  kind: 'policy_change' | 'subprocessor_added';
  title: string;
  body: string;
  policyVersion: string | null;
  startsAt: Date;
  endsAt: Date;
}

export interface PublishOutcome extends PolicyVersionView {
  noticeId: string | null;
  campaignId: string | null;
}

interface VersionRow {
  id: string;
  version: string;
  title: string;
  body: string;
  summary_of_changes: string;
  significant: boolean;
  status: 'draft' | 'published';
  effective_at: Date | null;
  last_updated: string | null;
  published_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const VERSION_COLUMNS = `id, version, title, body, summary_of_changes, significant, status, effective_at, to_char(last_updated, 'YYYY-MM-DD') AS last_updated, published_at, created_at, updated_at`;
const SORT_COLUMNS: Record<string, string> = { createdAt: 'created_at', effectiveAt: 'effective_at', version: 'version', status: 'status', publishedAt: 'published_at' };

export const POLICY_VERSION_LIST_RULES: ListQueryRules = {
  sortable: Object.keys(SORT_COLUMNS),
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'status', 'significant'],
};

function toView(r: VersionRow): PolicyVersionView {
  return {
    id: r.id,
    version: r.version,
    title: r.title,
    body: r.body,
    summaryOfChanges: r.summary_of_changes,
    significant: r.significant,
    status: r.status,
    effectiveAt: r.effective_at,
    lastUpdated: r.last_updated,
    publishedAt: r.published_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { driverError?: { code?: string }; code?: string }).driverError?.code === '23505';
}

/**
 * Policy versions: drafts are edited in the console, published versions never change (the database
 * refuses it too); publishing a significant version puts up a homepage notice and emails every
 * active account. Notices and their acknowledgements live here as well.
 */
@Injectable()
export class PolicyService {
  private readonly logger = new Logger('Policy');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly campaigns: NoticeCampaignsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The published version whose effective date has come, the latest such; undefined before the first. */
  async versionInForce(manager?: EntityManager): Promise<PolicyVersionRef | undefined> {
    const rows = (await (manager ?? this.dataSource.manager).query(
      `SELECT id, version FROM policy_versions WHERE status = 'published' AND effective_at <= now() ORDER BY effective_at DESC, published_at DESC LIMIT 1`,
    )) as PolicyVersionRef[];
    return rows[0];
  }

  /** `GET /v1/policy`: the version in force, with its Last Updated date. */
  async current(): Promise<PolicyVersionView> {
    const ref = await this.versionInForce();
    if (!ref) throw new NoPolicyInForceException();
    return this.get(ref.id);
  }

  /** `GET /v1/policy/versions`: every published version (upcoming ones included), newest effective first. */
  async published(): Promise<PolicyVersionView[]> {
    const rows = (await this.dataSource.query(`SELECT ${VERSION_COLUMNS} FROM policy_versions WHERE status = 'published' ORDER BY effective_at DESC, published_at DESC`)) as VersionRow[];
    return rows.map(toView);
  }

  async get(id: string, manager?: EntityManager): Promise<PolicyVersionView> {
    const rows = (await (manager ?? this.dataSource.manager).query(`SELECT ${VERSION_COLUMNS} FROM policy_versions WHERE id = $1`, [id])) as VersionRow[];
    if (!rows[0]) throw new PolicyVersionNotFoundException();
    return toView(rows[0]);
  }

  async list(q: ListQuery): Promise<ListPage<PolicyVersionView>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const f = q.filter;
    if (f.status !== undefined) {
      if (f.status !== 'draft' && f.status !== 'published') throw new ValidationFailedException({ 'filter.status': 'The status filter takes draft or published.' });
      where.push(`status = $${params.push(f.status)}`);
    }
    if (f.significant !== undefined) {
      if (typeof f.significant !== 'boolean') throw new ValidationFailedException({ 'filter.significant': 'The significant filter takes true or false.' });
      where.push(`significant = $${params.push(f.significant)}`);
    }
    const ids = f.id === undefined ? undefined : Array.isArray(f.id) ? f.id : [f.id];
    if (ids) where.push(`id::text = ANY($${params.push(ids.map(String))}::text[])`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const order = `${SORT_COLUMNS[q.sortField] ?? 'created_at'} ${q.sortOrder} NULLS LAST, id`;
    const rows = (await this.dataSource.query(`SELECT ${VERSION_COLUMNS} FROM policy_versions ${clause} ORDER BY ${order} OFFSET $${params.length + 1} LIMIT $${params.length + 2}`, [
      ...params,
      q.skip,
      q.take,
    ])) as VersionRow[];
    const [{ n }] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM policy_versions ${clause}`, params)) as [{ n: number }];
    return new ListPage('policy-versions', rows.map(toView), q.skip, n);
  }

  async create(body: unknown, actor: AuditActor): Promise<PolicyVersionView> {
    const d = parsePolicyVersionInput(body, false) as PolicyVersionDraft;
    try {
      return await this.dataSource.transaction(async (m) => {
        const [row] = (await m.query(
          `INSERT INTO policy_versions (version, title, body, summary_of_changes, significant, effective_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
          [d.version, d.title, d.body, d.summaryOfChanges ?? '', d.significant ?? false, d.effectiveAt ?? null],
        )) as Array<{ id: string }>;
        if (!row) throw new Error('policy version insert returned nothing');
        await this.audit.record({ action: 'policy_version.create', actor, subject: { type: 'policy_version', id: row.id }, details: { version: d.version, significant: d.significant ?? false } }, m);
        return this.get(row.id, m);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new PolicyVersionTakenException(d.version);
      throw err;
    }
  }

  /** Changes a draft; a published version is refused with POLICY_VERSION_PUBLISHED (publish a new one). */
  async update(id: string, body: unknown, actor: AuditActor): Promise<PolicyVersionView> {
    const changes = parsePolicyVersionInput(body, true);
    try {
      return await this.dataSource.transaction(async (m) => {
        const current = await this.lock(id, m);
        if (current.status === 'published') throw new PolicyVersionPublishedException(current.version);
        await m.query(
          `UPDATE policy_versions SET version = $2, title = $3, body = $4, summary_of_changes = $5, significant = $6, effective_at = $7, updated_at = now() WHERE id = $1`,
          [
            id,
            changes.version ?? current.version,
            changes.title ?? current.title,
            changes.body ?? current.body,
            changes.summaryOfChanges ?? current.summary_of_changes,
            changes.significant ?? current.significant,
            changes.effectiveAt !== undefined ? changes.effectiveAt : current.effective_at,
          ],
        );
        await this.audit.record({ action: 'policy_version.update', actor, subject: { type: 'policy_version', id }, details: { fields: Object.keys(changes).sort() } }, m);
        return this.get(id, m);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new PolicyVersionTakenException(changes.version ?? '');
      throw err;
    }
  }

  async remove(id: string, actor: AuditActor): Promise<PolicyVersionView> {
    return this.dataSource.transaction(async (m) => {
      const current = await this.lock(id, m);
      if (current.status === 'published') throw new PolicyVersionPublishedException(current.version);
      await m.query(`DELETE FROM policy_versions WHERE id = $1`, [id]);
      await this.audit.record({ action: 'policy_version.delete', actor, subject: { type: 'policy_version', id }, details: { version: current.version } }, m);
      return toView(current);
    });
  }

  /**
   * Publishes a draft (effective date now or later, never in the past). A significant version also
   * gets a homepage notice and an email campaign to every active account, sent after commit.
   */
  async publish(id: string, body: unknown, actor: AuditActor): Promise<PublishOutcome> {
    const input = parsePublishInput(body);
    const outcome = await this.dataSource.transaction(async (m) => {
      const current = await this.lock(id, m);
      if (current.status === 'published') throw new PolicyVersionPublishedException(current.version);
      const now = new Date();
      const effectiveAt = input.effectiveAt !== undefined ? input.effectiveAt : current.effective_at;
      const problems = publishProblems({ status: current.status, effectiveAt, title: current.title, body: current.body }, now);
      if (Object.keys(problems).length > 0) throw new ValidationFailedException(problems);
      const effective = effectiveAt as Date;
      const startsNow = effective.getTime() < now.getTime() ? now : effective;
      await m.query(
        `UPDATE policy_versions SET status = 'published', effective_at = $2, last_updated = $3::date, published_at = now(), published_by = $4, updated_at = now() WHERE id = $1`,
        [id, startsNow, isoDate(startsNow), actor.type === 'staff' ? actor.id : null],
      );
      let noticeId: string | null = null;
      let campaignId: string | null = null;
      if (current.significant) {
        const when = isoDate(startsNow);
        const summary = current.summary_of_changes.trim() || 'We have updated our privacy policy.';
        const ends = new Date(Math.max(now.getTime(), startsNow.getTime()) + this.config.policy.noticeDays * 86_400_000);
        const [notice] = (await m.query(
          `INSERT INTO notices (kind, policy_version_id, title, body, starts_at, ends_at) VALUES ('policy_change', $1, $2, $3, now(), $4) RETURNING id`,
          [id, `Our ${current.title} changes on ${when}`, summary, ends],
        )) as Array<{ id: string }>;
        noticeId = notice?.id ?? null;
        if (noticeId) {
          const text = `Hello,\n\nWe are updating our ${current.title} (version ${current.version}), effective ${when}.\n\nWhat changes:\n${summary}\n\nRead it at ${this.config.publicUrl}/v1/policy/versions\n\nThis is a service message about your account; it is sent to every account.\n`;
          campaignId = await this.campaigns.create(noticeId, `Changes to our ${current.title} (effective ${when})`, text, m);
        }
      }
      await this.audit.record(
        { action: 'policy_version.publish', actor, subject: { type: 'policy_version', id }, details: { version: current.version, significant: current.significant, effectiveAt: startsNow.toISOString(), noticeId, campaignId } },
        m,
      );
      return { view: await this.get(id, m), noticeId, campaignId };
    });
    if (outcome.campaignId) await this.campaigns.start(outcome.campaignId);
    this.logger.log({ policyVersionId: id, campaignId: outcome.campaignId }, 'policy version published');
    return { ...outcome.view, noticeId: outcome.noticeId, campaignId: outcome.campaignId };
  }

  /** Notices shown now (`GET /v1/notices`). */
  async activeNotices(): Promise<NoticeView[]> {
    const rows = (await this.dataSource.query(
      `SELECT n.id, n.kind, n.title, n.body, v.version AS policy_version, n.starts_at, n.ends_at
         FROM notices n LEFT JOIN policy_versions v ON v.id = n.policy_version_id
        WHERE n.starts_at <= now() AND n.ends_at > now() ORDER BY n.starts_at DESC`,
    )) as Array<{ id: string; kind: NoticeView['kind']; title: string; body: string; policy_version: string | null; starts_at: Date; ends_at: Date }>;
    return rows.map((r) => ({ id: r.id, kind: r.kind, title: r.title, body: r.body, policyVersion: r.policy_version, startsAt: r.starts_at, endsAt: r.ends_at }));
  }

  /** Records that the user saw and acknowledged a notice; idempotent (the first time is kept). */
  async acknowledge(noticeId: string, userId: string): Promise<{ noticeId: string; acknowledgedAt: Date }> {
    return this.dataSource.transaction(async (m) => {
      const notice = (await m.query(`SELECT id FROM notices WHERE id = $1`, [noticeId])) as unknown[];
      if (notice.length === 0) throw new NoticeNotFoundException();
      const inserted = (await m.query(
        `INSERT INTO notice_acknowledgements (notice_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING acknowledged_at`,
        [noticeId, userId],
      )) as Array<{ acknowledged_at: Date }>;
      if (inserted[0]) {
        await this.audit.record({ action: 'notice.acknowledge', actor: { type: 'user', id: userId }, subject: { type: 'notice', id: noticeId } }, m);
        return { noticeId, acknowledgedAt: inserted[0].acknowledged_at };
      }
      const [existing] = (await m.query(`SELECT acknowledged_at FROM notice_acknowledgements WHERE notice_id = $1 AND user_id = $2`, [noticeId, userId])) as Array<{
        acknowledged_at: Date;
      }>;
      return { noticeId, acknowledgedAt: existing?.acknowledged_at ?? new Date() };
    });
  }

  private async lock(id: string, m: EntityManager): Promise<VersionRow> {
    const rows = (await m.query(`SELECT ${VERSION_COLUMNS} FROM policy_versions WHERE id = $1 FOR UPDATE`, [id])) as VersionRow[];
    if (!rows[0]) throw new PolicyVersionNotFoundException();
    return rows[0];
  }
}
