import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { retentionCutoff } from '@soar2/privacy';
import { DataSource, EntityManager } from 'typeorm';
import { equalityFilterSql } from '../admin-query/list-filter';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ValidationFailedException } from '../errors/domain.exception';
import { JobsService } from '../jobs/jobs.service';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { RetentionPolicyDto, RetentionPreviewDto, RetentionRunDto, UpdateRetentionPolicyDto } from './dto/retention.dto';
import { accessLogSweeper, verificationCodeSweeper } from './identity-sweepers';
import {
  RetentionPolicyDisabledException,
  RetentionPolicyNotFoundException,
  RetentionRunInProgressException,
  RetentionRunNotFoundException,
  RetentionSweepNotAvailableException,
} from './retention.exception';
import { RetentionSweeperRegistry } from './retention-sweepers.registry';

export const RETENTION_RUN_QUEUE = 'retention.run';
export const RETENTION_SCHEDULE_TASK = 'retention.daily-sweeps';
export const RETENTION_POLICY_LIST_RULES: ListQueryRules = { sortable: ['id', 'category', 'keepDays', 'updatedAt'], defaultSort: ['category', 'ASC'], filterable: ['id', 'enabled'] };
export const RETENTION_RUN_LIST_RULES: ListQueryRules = {
  sortable: ['id', 'createdAt', 'category', 'status', 'durationMs'],
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'policyId', 'category', 'status', 'trigger'],
};

interface PolicyRow {
  id: string;
  category: string;
  description: string;
  keep_days: number;
  anchor: string;
  action: string;
  legal_basis: string;
  enabled: boolean;
  updated_at: Date;
  updated_by: string | null;
  last_run_at: Date | null;
}

interface RunRow {
  id: string;
  policy_id: string;
  category: string;
  trigger: 'schedule' | 'manual';
  started_by: string | null;
  status: string;
  keep_days: number;
  cutoff: Date;
  matched: number;
  deleted: number;
  anonymised: number;
  skipped_on_hold: number;
  errors: number;
  batches: number;
  last_error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  duration_ms: number | null;
}

const POLICY_SELECT = `SELECT p.*, (SELECT max(r.created_at) FROM retention_runs r WHERE r.policy_id = p.id) AS last_run_at FROM retention_policies p`;
const RUN_SORT: Record<string, string> = { id: 'id', createdAt: 'created_at', category: 'category', status: 'status', durationMs: 'duration_ms' };

/** Retention policies, dry runs and sweeps (COMPLIANCE.md's schedule; docs/retention.md). */
@Injectable()
export class RetentionService implements OnModuleInit {
  private readonly logger = new Logger('Retention');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly runner: ScheduledTaskRunner,
    readonly sweepers: RetentionSweeperRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    this.sweepers.register(accessLogSweeper);
    this.sweepers.register(verificationCodeSweeper);
    await this.jobs.work<{ runId: string }>(RETENTION_RUN_QUEUE, async ([job]) => {
      if (job) await this.execute(job.data.runId);
    });
    if (this.config.retention.schedule) {
      // Daily at 03:17 UTC, once across replicas (ScheduledTaskRunner holds an advisory lock per tick).
      this.runner.schedule(RETENTION_SCHEDULE_TASK, '17 3 * * *', () => this.runAllDue());
    }
  }

  async listPolicies(q: ListQuery): Promise<ListPage<RetentionPolicyDto>> {
    const rows: PolicyRow[] = await this.dataSource.query(`${POLICY_SELECT} ORDER BY p.category`);
    let items = rows.map((r) => this.toPolicy(r));
    const f = q.filter;
    if (f.id !== undefined) {
      const ids = Array.isArray(f.id) ? f.id : [f.id];
      items = items.filter((p) => ids.includes(p.id));
    }
    if (f.enabled !== undefined) {
      if (typeof f.enabled !== 'boolean') throw new ValidationFailedException({ enabled: 'enabled must be true or false.' });
      items = items.filter((p) => p.enabled === f.enabled);
    }
    const key = q.sortField as 'id' | 'category' | 'keepDays' | 'updatedAt';
    items.sort((a, b) => (a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0) * (q.sortOrder === 'ASC' ? 1 : -1));
    return new ListPage('retention-policies', items.slice(q.skip, q.skip + q.take), q.skip, items.length);
  }

  async getPolicy(id: string, manager: EntityManager = this.dataSource.manager): Promise<RetentionPolicyDto> {
    const rows: PolicyRow[] = await manager.query(`${POLICY_SELECT} WHERE p.id = $1`, [id]);
    if (!rows[0]) throw new RetentionPolicyNotFoundException();
    return this.toPolicy(rows[0]);
  }

  /** Changes a policy; the audit entry carries every changed field before and after. */
  async updatePolicy(id: string, dto: UpdateRetentionPolicyDto, actor: AuditActor & { id: string }): Promise<RetentionPolicyDto> {
    return this.dataSource.transaction(async (m) => {
      const rows: PolicyRow[] = await m.query('SELECT *, NULL::timestamptz AS last_run_at FROM retention_policies WHERE id = $1 FOR UPDATE', [id]);
      const before = rows[0];
      if (!before) throw new RetentionPolicyNotFoundException();
      const next = {
        keep_days: dto.keepDays ?? before.keep_days,
        enabled: dto.enabled ?? before.enabled,
        description: dto.description ?? before.description,
        legal_basis: dto.legalBasis ?? before.legal_basis,
      };
      const changed = (Object.keys(next) as Array<keyof typeof next>).filter((k) => next[k] !== before[k]);
      if (changed.length === 0) return this.getPolicy(id, m);
      await m.query('UPDATE retention_policies SET keep_days = $2, enabled = $3, description = $4, legal_basis = $5, updated_at = now(), updated_by = $6 WHERE id = $1', [
        id,
        next.keep_days,
        next.enabled,
        next.description,
        next.legal_basis,
        actor.id,
      ]);
      const camel: Record<string, string> = { keep_days: 'keepDays', enabled: 'enabled', description: 'description', legal_basis: 'legalBasis' };
      await this.audit.record(
        {
          action: 'retention_policy.update',
          actor,
          subject: { type: 'retention_policy', id },
          details: {
            category: before.category,
            before: Object.fromEntries(changed.map((k) => [camel[k]!, before[k]])),
            after: Object.fromEntries(changed.map((k) => [camel[k]!, next[k]])),
          },
        },
        m,
      );
      return this.getPolicy(id, m);
    });
  }

  /** Dry run: counts what would go now and what legal holds keep (read-only; audited as a read). */
  async preview(id: string, actor: AuditActor): Promise<RetentionPreviewDto> {
    const policy = await this.getPolicy(id);
    const sweeper = this.sweepers.get(policy.category);
    if (!sweeper) throw new RetentionSweepNotAvailableException(policy.category);
    const cutoff = retentionCutoff(new Date(), policy.keepDays);
    const result = await this.dataSource.transaction('REPEATABLE READ', (m) => sweeper.preview({ cutoff, keepDays: policy.keepDays }, m));
    await this.audit.record({ action: 'retention_policy.preview', actor, subject: { type: 'retention_policy', id }, details: { category: policy.category, matched: result.matched, held: result.held } });
    return { policyId: id, category: policy.category, cutoff, matched: result.matched, held: result.held, wouldProcess: result.matched - result.held, heldExamples: result.heldExamples };
  }

  /** Queues a run (202): the worker sweeps in batches and records progress on the run. */
  async startRun(id: string, trigger: 'schedule' | 'manual', actor: AuditActor & { id?: string | null }): Promise<RetentionRunDto> {
    const run = await this.dataSource.transaction(async (m) => {
      const [policy]: PolicyRow[] = await m.query('SELECT *, NULL::timestamptz AS last_run_at FROM retention_policies WHERE id = $1 FOR UPDATE', [id]);
      if (!policy) throw new RetentionPolicyNotFoundException();
      if (!this.sweepers.get(policy.category)) throw new RetentionSweepNotAvailableException(policy.category);
      if (!policy.enabled) throw new RetentionPolicyDisabledException();
      const open: unknown[] = await m.query(`SELECT 1 FROM retention_runs WHERE policy_id = $1 AND status IN ('queued','running')`, [id]);
      if (open.length) throw new RetentionRunInProgressException();
      const cutoff = retentionCutoff(new Date(), policy.keep_days);
      const [row]: RunRow[] = await m.query(
        `INSERT INTO retention_runs (policy_id, category, trigger, started_by, status, keep_days, cutoff) VALUES ($1,$2,$3,$4,'queued',$5,$6) RETURNING *`,
        [id, policy.category, trigger, actor.type === 'staff' ? actor.id : null, policy.keep_days, cutoff],
      );
      await this.audit.record({ action: 'retention_policy.run', actor, subject: { type: 'retention_policy', id }, details: { category: policy.category, runId: row!.id, trigger } }, m);
      return row!;
    });
    await this.jobs.send(RETENTION_RUN_QUEUE, { runId: run.id }, { retryLimit: 5, retryDelay: 30, retryBackoff: true });
    return toRun(run);
  }

  /**
   * Runs (or resumes) a queued run: counts what is due and held once, then sweeps batch after batch,
   * each in its own transaction that also updates the run's counters, until a batch handles nothing.
   */
  async execute(runId: string): Promise<RetentionRunDto> {
    const [run]: RunRow[] = await this.dataSource.query('SELECT * FROM retention_runs WHERE id = $1', [runId]);
    if (!run) throw new RetentionRunNotFoundException();
    if (run.status === 'completed' || run.status === 'failed') return toRun(run);
    const sweeper = this.sweepers.get(run.category);
    if (!sweeper) throw new RetentionSweepNotAvailableException(run.category);
    const window = { cutoff: new Date(run.cutoff), keepDays: run.keep_days };
    const started = Date.now();
    if (run.status === 'queued') {
      const preview = await sweeper.preview(window, this.dataSource.manager);
      await this.dataSource.query(`UPDATE retention_runs SET status = 'running', started_at = now(), matched = $2, skipped_on_hold = $3 WHERE id = $1`, [runId, preview.matched, preview.held]);
    }
    try {
      for (;;) {
        const done = await this.dataSource.transaction(async (m) => {
          const r = await sweeper.sweepBatch(window, this.config.retention.batchSize, m);
          await m.query('UPDATE retention_runs SET deleted = deleted + $2, anonymised = anonymised + $3, batches = batches + 1 WHERE id = $1', [runId, r.deleted, r.anonymised]);
          return r.deleted + r.anonymised === 0;
        });
        if (done) break;
      }
      const [[finished]]: [RunRow[], number] = await this.dataSource.query(
        `UPDATE retention_runs SET status = 'completed', finished_at = now(), duration_ms = COALESCE(duration_ms, 0) + $2 WHERE id = $1 RETURNING *`,
        [runId, Date.now() - started],
      );
      this.logger.log({ runId, category: run.category, deleted: finished!.deleted, anonymised: finished!.anonymised, skippedOnHold: finished!.skipped_on_hold }, 'retention run completed');
      return toRun(finished!);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.dataSource.query(`UPDATE retention_runs SET errors = errors + 1, last_error = $2, duration_ms = COALESCE(duration_ms, 0) + $3 WHERE id = $1`, [runId, message.slice(0, 2000), Date.now() - started]);
      this.logger.error({ runId, category: run.category }, 'retention batch failed; the job is retried and resumes');
      throw err;
    }
  }

  /** The daily clock: one run per enabled policy that a module sweeps, run here and now. */
  async runAllDue(): Promise<void> {
    const policies: PolicyRow[] = await this.dataSource.query('SELECT *, NULL::timestamptz AS last_run_at FROM retention_policies WHERE enabled ORDER BY category');
    for (const policy of policies) {
      if (!this.sweepers.get(policy.category)) continue;
      try {
        await this.startRun(policy.id, 'schedule', { type: 'system', id: 'retention' });
      } catch (err) {
        if (!(err instanceof RetentionRunInProgressException)) throw err;
      }
    }
  }

  async listRuns(q: ListQuery): Promise<ListPage<RetentionRunDto>> {
    const { clause, params } = equalityFilterSql(q.filter, {
      id: { column: 'id', uuid: true },
      policyId: { column: 'policy_id', uuid: true },
      category: { column: 'category' },
      status: { column: 'status' },
      trigger: { column: 'trigger' },
    });
    const [{ total }]: Array<{ total: number }> = await this.dataSource.query(`SELECT count(*)::int AS total FROM retention_runs ${clause}`, params);
    const rows: RunRow[] = await this.dataSource.query(
      `SELECT * FROM retention_runs ${clause} ORDER BY ${RUN_SORT[q.sortField] ?? 'created_at'} ${q.sortOrder} NULLS LAST, id LIMIT ${q.take} OFFSET ${q.skip}`,
      params,
    );
    return new ListPage('retention-runs', rows.map(toRun), q.skip, total);
  }

  async getRun(id: string): Promise<RetentionRunDto> {
    const [row]: RunRow[] = await this.dataSource.query('SELECT * FROM retention_runs WHERE id = $1', [id]);
    if (!row) throw new RetentionRunNotFoundException();
    return toRun(row);
  }

  private toPolicy(r: PolicyRow): RetentionPolicyDto {
    return {
      id: r.id,
      category: r.category,
      description: r.description,
      keepDays: r.keep_days,
      anchor: r.anchor,
      action: r.action,
      legalBasis: r.legal_basis,
      enabled: r.enabled,
      sweepAvailable: !!this.sweepers.get(r.category),
      updatedAt: r.updated_at,
      updatedBy: r.updated_by,
      lastRunAt: r.last_run_at,
    };
  }
}

function toRun(r: RunRow): RetentionRunDto {
  const due = r.matched - r.skipped_on_hold;
  const handled = r.deleted + r.anonymised;
  return {
    id: r.id,
    policyId: r.policy_id,
    category: r.category,
    trigger: r.trigger,
    startedBy: r.started_by,
    status: r.status,
    keepDays: r.keep_days,
    cutoff: r.cutoff,
    matched: r.matched,
    deleted: r.deleted,
    anonymised: r.anonymised,
    skippedOnHold: r.skipped_on_hold,
    errors: r.errors,
    batches: r.batches,
    lastError: r.last_error,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    progress: r.status === 'completed' ? 100 : due <= 0 ? 0 : Math.min(99, Math.floor((handled / due) * 100)),
  };
}
