// Account erasure (docs/retention.md): scheduled with the grace period (none for children), held
// while a legal hold touches the account, then one durable, resumable job runs every registered
// eraser, destroys the user's data key, and issues a signed deletion certificate that survives it.
import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CERTIFICATE_FORMAT, emailHash, type CertificateCategory, type CertificateRetention, type DeletionCertificateBody, type SignedDeletionCertificate } from '@soar2/privacy';
import { DataSource, EntityManager } from 'typeorm';
import { equalityFilterSql } from '../admin-query/list-filter';
import { ListPage } from '../admin-query/list-page';
import { ListQuery, ListQueryRules } from '../admin-query/list-query';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataKeysService } from '../data-keys/data-keys.service';
import { JobsService } from '../jobs/jobs.service';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { LegalHoldsService } from '../legal-holds/legal-holds.service';
import { PersonalDataRegistry, type ErasureOutcome } from '../personal-data/personal-data.registry';
import { StorageService } from '../storage/storage.service';
import { CertificateSigner } from './certificate-signer.service';
import { DeletionCertificateDto, ErasureDto } from './dto/erasure.dto';
import {
  DeletionCertificateNotFoundException,
  ErasureAlreadyScheduledException,
  ErasureNotCancelableException,
  ErasureNotFoundException,
  ErasureSubjectNotFoundException,
} from './retention.exception';

export const ERASURE_QUEUE = 'retention.erasure';
export const ERASURE_DUE_TASK = 'retention.erasures-due';
export const KEYSTORE_STEP = 'keystore.data_key';
export const ERASURE_LIST_RULES: ListQueryRules = { sortable: ['id', 'createdAt', 'runAfter', 'status'], defaultSort: ['createdAt', 'DESC'], filterable: ['id', 'userId', 'status', 'requestId'] };
export const CERTIFICATE_LIST_RULES: ListQueryRules = { sortable: ['id', 'issuedAt'], defaultSort: ['issuedAt', 'DESC'], filterable: ['id', 'subjectId', 'requestId'] };

type ErasureStatus = 'scheduled' | 'waiting_on_hold' | 'running' | 'completed' | 'canceled' | 'failed';

interface StepState extends Partial<ErasureOutcome> {
  state: 'done' | 'failed';
  at: string;
  error?: string;
}

interface ErasureRow {
  id: string;
  user_id: string;
  request_id: string | null;
  child: boolean;
  status: ErasureStatus;
  reason: string;
  previous_status: string | null;
  subject_email_hash: string;
  subject_email_salt: string;
  run_after: Date;
  created_at: Date;
  created_by_type: 'user' | 'staff' | 'system';
  created_by_id: string | null;
  hold_reason: string | null;
  started_at: Date | null;
  completed_at: Date | null;
  canceled_at: Date | null;
  cancel_reason: string | null;
  attempts: number;
  last_error: string | null;
  steps: Record<string, StepState>;
  certificate_id: string | null;
}

interface CertificateRow {
  id: string;
  erasure_id: string;
  subject_id: string;
  subject_email_hash: string;
  request_id: string | null;
  issued_at: Date;
  key_fingerprint: string;
  document: SignedDeletionCertificate;
  pdf_storage_key: string;
}

export interface ScheduleErasureInput {
  userId: string;
  /** The privacy request this erasure fulfils, if any. */
  requestId?: string | null;
  /** COPPA child account: erased at once, without grace. */
  child?: boolean;
  reason: string;
  actor: AuditActor;
}

export type ErasureListener = (erasure: ErasureDto) => Promise<void> | void;

/** What `reapplyErasures` did: accounts erased again, and those a legal hold kept (ids only). */
export interface ReapplyErasuresResult {
  reErased: string[];
  held: string[];
}

export const REAPPLY_ACTOR: AuditActor = { type: 'system', id: 'reapply-erasures' };

const ERASURE_SORT: Record<string, string> = { id: 'id', createdAt: 'created_at', runAfter: 'run_after', status: 'status' };

@Injectable()
export class ErasureService implements OnModuleInit {
  private readonly logger = new Logger('Erasure');
  private readonly completedListeners: ErasureListener[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly jobs: JobsService,
    private readonly runner: ScheduledTaskRunner,
    private readonly registry: PersonalDataRegistry,
    private readonly holds: LegalHoldsService,
    private readonly keys: DataKeysService,
    private readonly storage: StorageService,
    private readonly signer: CertificateSigner,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.work<{ erasureId: string }>(ERASURE_QUEUE, async ([job]) => {
      if (job) await this.execute(job.data.erasureId);
    });
    // Every ten minutes: erasures whose grace period ended, and those waiting on a hold that was released.
    this.runner.schedule(ERASURE_DUE_TASK, '*/10 * * * *', () => this.enqueueDue().then(() => undefined));
  }

  /** Called when an erasure completes (its certificate exists): privacy requests complete then. */
  onCompleted(listener: ErasureListener): void {
    this.completedListeners.push(listener);
  }

  /**
   * Schedules the erasure of an account: the account shows "pending deletion" at once and is erased
   * after the grace period (DELETION_GRACE_DAYS, default 30; none for a child account).
   */
  async schedule(input: ScheduleErasureInput, manager?: EntityManager): Promise<ErasureDto> {
    const inTransaction = async (m: EntityManager): Promise<ErasureRow> => {
      const [user]: Array<{ email: string; status: string }> = await m.query('SELECT email, status FROM users WHERE id = $1 FOR UPDATE', [input.userId]);
      if (!user) throw new ErasureSubjectNotFoundException();
      const open: unknown[] = await m.query(`SELECT 1 FROM erasures WHERE user_id = $1 AND status IN ('scheduled','waiting_on_hold','running')`, [input.userId]);
      if (open.length) throw new ErasureAlreadyScheduledException();
      const salt = randomBytes(16).toString('hex');
      const graceDays = input.child ? 0 : this.config.retention.deletionGraceDays;
      const [row]: ErasureRow[] = await m.query(
        `INSERT INTO erasures (user_id, request_id, child, status, reason, previous_status, subject_email_hash, subject_email_salt, run_after, created_by_type, created_by_id)
         VALUES ($1,$2,$3,'scheduled',$4,$5,$6,$7, now() + make_interval(days => $8), $9, $10) RETURNING *`,
        [input.userId, input.requestId ?? null, !!input.child, input.reason, user.status, emailHash(user.email, salt), salt, graceDays, input.actor.type === 'user' || input.actor.type === 'staff' ? input.actor.type : 'system', input.actor.type === 'user' || input.actor.type === 'staff' ? (input.actor.id ?? null) : null],
      );
      await m.query(`UPDATE users SET status = 'pending_deletion', updated_at = now() WHERE id = $1`, [input.userId]);
      await this.audit.record(
        { action: 'erasure.schedule', actor: input.actor, subject: { type: 'user', id: input.userId }, details: { erasureId: row!.id, child: !!input.child, graceDays, requestId: input.requestId ?? null } },
        m,
      );
      return row!;
    };
    const erasure = manager ? await inTransaction(manager) : await this.dataSource.transaction(inTransaction);
    this.logger.log({ erasureId: erasure.id, child: erasure.child }, 'account erasure scheduled');
    // Inside the caller's transaction the row is not visible yet: start a little later (a job that
    // still finds nothing is retried, and the ten-minute clock picks up anything missed).
    if (erasure.child) await this.enqueue(erasure.id, manager ? 5 : 0);
    return toErasure(erasure);
  }

  /** Cancels a scheduled erasure (the user changed their mind during the grace period); the account returns to its status. */
  async cancel(id: string, reason: string, actor: AuditActor, manager?: EntityManager): Promise<ErasureDto> {
    const inTransaction = async (m: EntityManager): Promise<ErasureRow> => {
      const [e]: ErasureRow[] = await m.query('SELECT * FROM erasures WHERE id = $1 FOR UPDATE', [id]);
      if (!e) throw new ErasureNotFoundException();
      if (e.status !== 'scheduled' && e.status !== 'waiting_on_hold') throw new ErasureNotCancelableException(e.status);
      const [[updated]]: [ErasureRow[], number] = await m.query(`UPDATE erasures SET status = 'canceled', canceled_at = now(), cancel_reason = $2 WHERE id = $1 RETURNING *`, [id, reason]);
      await m.query(`UPDATE users SET status = $2, updated_at = now() WHERE id = $1 AND status = 'pending_deletion'`, [e.user_id, e.previous_status ?? 'active']);
      await this.audit.record({ action: 'erasure.cancel', actor, subject: { type: 'user', id: e.user_id }, details: { erasureId: id } }, m);
      return updated!;
    };
    return toErasure(manager ? await inTransaction(manager) : await this.dataSource.transaction(inTransaction));
  }

  /** Cancels the erasure a privacy request scheduled (withdrawal during the grace period); ERASURE_NOT_CANCELABLE once it started. */
  async cancelForRequest(requestId: string, reason: string, actor: AuditActor, manager: EntityManager): Promise<ErasureDto | null> {
    const [row]: Array<{ id: string }> = await manager.query(`SELECT id FROM erasures WHERE request_id = $1 ORDER BY created_at DESC LIMIT 1`, [requestId]);
    return row ? this.cancel(row.id, reason, actor, manager) : null;
  }

  /** The open erasure of a user, if any (console: "pending deletion" with its date). */
  async openForUser(userId: string): Promise<ErasureDto | null> {
    const [row]: ErasureRow[] = await this.dataSource.query(`SELECT * FROM erasures WHERE user_id = $1 AND status IN ('scheduled','waiting_on_hold','running') LIMIT 1`, [userId]);
    return row ? toErasure(row) : null;
  }

  async enqueueDue(): Promise<number> {
    const due: Array<{ id: string }> = await this.dataSource.query(`SELECT id FROM erasures WHERE status IN ('scheduled','waiting_on_hold') AND run_after <= now() ORDER BY run_after LIMIT 500`);
    for (const { id } of due) await this.enqueue(id);
    return due.length;
  }

  private async enqueue(id: string, startAfterSeconds = 0): Promise<void> {
    await this.jobs.send(ERASURE_QUEUE, { erasureId: id }, { singletonKey: id, retryLimit: 10, retryDelay: 60, retryBackoff: true, ...(startAfterSeconds > 0 ? { startAfter: startAfterSeconds } : {}) });
  }

  /**
   * Runs (or resumes) an erasure. Each eraser's outcome is saved as it finishes, so a crash resumes
   * with the next one; erasers are idempotent, so one interrupted mid-way simply runs again.
   */
  async execute(id: string): Promise<ErasureDto> {
    let [e]: ErasureRow[] = await this.dataSource.query('SELECT * FROM erasures WHERE id = $1', [id]);
    if (!e) throw new ErasureNotFoundException();
    if (e.status === 'completed' || e.status === 'canceled' || e.status === 'failed') return toErasure(e);
    if (e.run_after.getTime() > Date.now()) return toErasure(e);
    const held = await this.holds.activeForUser(e.user_id);
    if (held.length > 0) {
      const reason = held.map((h) => `legal hold ${h.id} (${h.scopeType}): ${h.reason}`).join('; ');
      if (e.status !== 'waiting_on_hold' || e.hold_reason !== reason) {
        await this.dataSource.transaction(async (m) => {
          await m.query(`UPDATE erasures SET status = 'waiting_on_hold', hold_reason = $2 WHERE id = $1`, [id, reason]);
          await this.audit.record({ action: 'erasure.held', actor: { type: 'system', id: 'erasure' }, subject: { type: 'user', id: e!.user_id }, details: { erasureId: id, holdIds: held.map((h) => h.id) } }, m);
        });
        this.logger.log({ erasureId: id, holds: held.length }, 'erasure waits: a legal hold covers the account');
      }
      [e] = await this.dataSource.query('SELECT * FROM erasures WHERE id = $1', [id]);
      return toErasure(e!);
    }
    await this.dataSource.query(`UPDATE erasures SET status = 'running', hold_reason = NULL, started_at = COALESCE(started_at, now()), attempts = attempts + 1 WHERE id = $1`, [id]);
    const subject = { userId: e.user_id };
    for (const source of this.registry.erasureOrder()) {
      if (e.steps[source.category]?.state === 'done') continue;
      try {
        const outcome = await source.erase(subject);
        await this.saveStep(id, source.category, { state: 'done', at: new Date().toISOString(), ...outcome });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await this.saveStep(id, source.category, { state: 'failed', at: new Date().toISOString(), error: message.slice(0, 500) });
        await this.dataSource.query('UPDATE erasures SET last_error = $2 WHERE id = $1', [id, `${source.category}: ${message}`.slice(0, 2000)]);
        this.logger.error({ erasureId: id, category: source.category }, 'an eraser failed; the job is retried and resumes from it');
        throw err;
      }
    }
    if (e.steps[KEYSTORE_STEP]?.state !== 'done') {
      await this.keys.destroy(e.user_id);
      await this.saveStep(id, KEYSTORE_STEP, { state: 'done', at: new Date().toISOString(), deleted: 1, anonymised: 0, retained: [], systemsReached: ['keystore'] });
    }
    [e] = await this.dataSource.query('SELECT * FROM erasures WHERE id = $1', [id]);
    const completed = await this.issueCertificate(e!);
    this.logger.log({ erasureId: id, certificateId: completed.certificateId }, 'account erased; deletion certificate issued');
    for (const listener of this.completedListeners) await listener(completed);
    return completed;
  }

  /**
   * Erases again the accounts whose data key is destroyed in the keystore but whose rows are back:
   * a data backup taken before their erasure was restored (the keystore is never in a data backup,
   * so it is the authority on who was erased). Runs every registered eraser (all idempotent), records
   * `erasure.reapply` in the audit log, and issues no second certificate: the first still stands.
   * `npm run reapply-erasures`, and main.ts before the API listens.
   */
  async reapplyErasures(): Promise<ReapplyErasuresResult> {
    const rows: Array<{ id: string }> = await this.dataSource.query(
      `SELECT u.id FROM users u JOIN keystore.user_data_keys k ON k.user_id = u.id
        WHERE k.destroyed_at IS NOT NULL AND (u.status <> 'deleted' OR u.email NOT LIKE 'erased+%@erased.invalid' OR u.email_lookup IS NOT NULL)
        ORDER BY u.id`,
    );
    const result: ReapplyErasuresResult = { reErased: [], held: [] };
    for (const { id: userId } of rows) {
      const held = await this.holds.activeForUser(userId);
      if (held.length > 0) {
        // A deletion is never forced past a hold; the account stays listed until the hold is released.
        this.logger.warn({ userId, holds: held.map((h) => h.id) }, 'an erased account is back from a restored backup but a legal hold covers it; not erased again');
        result.held.push(userId);
        continue;
      }
      const categories: Record<string, { deleted: number; anonymised: number }> = {};
      for (const source of this.registry.erasureOrder()) {
        const outcome = await source.erase({ userId });
        categories[source.category] = { deleted: outcome.deleted, anonymised: outcome.anonymised };
      }
      await this.audit.record({ action: 'erasure.reapply', actor: REAPPLY_ACTOR, subject: { type: 'user', id: userId }, details: { reason: 'data key destroyed; rows restored from a data backup', categories } });
      result.reErased.push(userId);
    }
    if (rows.length > 0) this.logger.log({ reErased: result.reErased.length, held: result.held.length }, 'erased again the accounts a restored backup brought back');
    return result;
  }

  private async saveStep(id: string, category: string, state: StepState): Promise<void> {
    await this.dataSource.query(`UPDATE erasures SET steps = jsonb_set(steps, ARRAY[$2::text], $3::jsonb) WHERE id = $1`, [id, category, JSON.stringify(state)]);
  }

  private async issueCertificate(e: ErasureRow): Promise<ErasureDto> {
    if (e.certificate_id) return toErasure(e);
    const certificateId = randomUUID();
    const categories: CertificateCategory[] = [];
    const retained: CertificateRetention[] = [];
    const systems = new Set<string>(['database']);
    for (const [category, step] of Object.entries(e.steps).sort(([a], [b]) => a.localeCompare(b))) {
      const deleted = step.deleted ?? 0;
      const anonymised = step.anonymised ?? 0;
      const method: CertificateCategory['method'] = category === KEYSTORE_STEP ? 'key_destroyed' : anonymised > 0 && deleted === 0 ? 'anonymised' : 'deleted';
      categories.push({ category, method, deleted, anonymised });
      for (const r of step.retained ?? []) retained.push({ category, count: r.count, basis: r.basis });
      for (const s of step.systemsReached ?? []) systems.add(s);
    }
    const completedAt = new Date();
    const body: DeletionCertificateBody = {
      format: CERTIFICATE_FORMAT,
      certificateId,
      subjectId: e.user_id,
      subjectEmailHash: e.subject_email_hash,
      subjectEmailSalt: e.subject_email_salt,
      requestId: e.request_id,
      startedAt: (e.started_at ?? completedAt).toISOString(),
      completedAt: completedAt.toISOString(),
      categories,
      retained,
      systemsReached: [...systems].sort(),
      dataKeyDestroyed: e.steps[KEYSTORE_STEP]?.state === 'done',
    };
    const signed = this.signer.sign(body);
    const pdfKey = `certificates/${certificateId}.pdf`;
    await this.storage.put(pdfKey, await this.signer.renderPdf(signed), { contentType: 'application/pdf' });
    const row = await this.dataSource.transaction(async (m) => {
      await m.query(
        `INSERT INTO deletion_certificates (id, erasure_id, subject_id, subject_email_hash, request_id, key_fingerprint, document, pdf_storage_key) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
        [certificateId, e.id, e.user_id, e.subject_email_hash, e.request_id, signed.keyFingerprint, JSON.stringify(signed), pdfKey],
      );
      const [[updated]]: [ErasureRow[], number] = await m.query(
        `UPDATE erasures SET status = 'completed', completed_at = $2, certificate_id = $3, last_error = NULL WHERE id = $1 RETURNING *`,
        [e.id, completedAt, certificateId],
      );
      await this.audit.record(
        { action: 'erasure.complete', actor: { type: 'system', id: 'erasure' }, subject: { type: 'user', id: e.user_id }, details: { erasureId: e.id, certificateId, categories: categories.length } },
        m,
      );
      return updated!;
    });
    return toErasure(row);
  }

  async list(q: ListQuery): Promise<ListPage<ErasureDto>> {
    const { clause, params } = equalityFilterSql(q.filter, { id: { column: 'id', uuid: true }, userId: { column: 'user_id', uuid: true }, status: { column: 'status' }, requestId: { column: 'request_id', uuid: true } });
    const [{ total }]: Array<{ total: number }> = await this.dataSource.query(`SELECT count(*)::int AS total FROM erasures ${clause}`, params);
    const rows: ErasureRow[] = await this.dataSource.query(
      `SELECT * FROM erasures ${clause} ORDER BY ${ERASURE_SORT[q.sortField] ?? 'created_at'} ${q.sortOrder}, id LIMIT ${q.take} OFFSET ${q.skip}`,
      params,
    );
    return new ListPage('erasures', rows.map(toErasure), q.skip, total);
  }

  async get(id: string): Promise<ErasureDto> {
    const [row]: ErasureRow[] = await this.dataSource.query('SELECT * FROM erasures WHERE id = $1', [id]);
    if (!row) throw new ErasureNotFoundException();
    return toErasure(row);
  }

  async listCertificates(q: ListQuery): Promise<ListPage<DeletionCertificateDto>> {
    const { clause, params } = equalityFilterSql(q.filter, { id: { column: 'id', uuid: true }, subjectId: { column: 'subject_id', uuid: true }, requestId: { column: 'request_id', uuid: true } });
    const [{ total }]: Array<{ total: number }> = await this.dataSource.query(`SELECT count(*)::int AS total FROM deletion_certificates ${clause}`, params);
    const rows: CertificateRow[] = await this.dataSource.query(`SELECT * FROM deletion_certificates ${clause} ORDER BY ${q.sortField === 'id' ? 'id' : 'issued_at'} ${q.sortOrder}, id LIMIT ${q.take} OFFSET ${q.skip}`, params);
    return new ListPage('deletion-certificates', rows.map(toCertificate), q.skip, total);
  }

  async getCertificate(id: string, manager?: EntityManager): Promise<DeletionCertificateDto> {
    const [row]: CertificateRow[] = await (manager ?? this.dataSource.manager).query('SELECT * FROM deletion_certificates WHERE id = $1', [id]);
    if (!row) throw new DeletionCertificateNotFoundException();
    return toCertificate(row);
  }

  async certificatePdfKey(id: string): Promise<string> {
    return (await this.getCertificate(id)).pdfStorageKey;
  }
}

function toErasure(r: ErasureRow): ErasureDto {
  return {
    id: r.id,
    userId: r.user_id,
    requestId: r.request_id,
    child: r.child,
    status: r.status,
    reason: r.reason,
    runAfter: r.run_after,
    createdAt: r.created_at,
    createdByType: r.created_by_type,
    createdById: r.created_by_id,
    holdReason: r.hold_reason,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    canceledAt: r.canceled_at,
    attempts: r.attempts,
    lastError: r.last_error,
    steps: Object.entries(r.steps).map(([category, s]) => ({ category, state: s.state, deleted: s.deleted ?? 0, anonymised: s.anonymised ?? 0, error: s.error ?? null })),
    certificateId: r.certificate_id,
  };
}

function toCertificate(r: CertificateRow): DeletionCertificateDto {
  return {
    id: r.id,
    erasureId: r.erasure_id,
    subjectId: r.subject_id,
    subjectEmailHash: r.subject_email_hash,
    requestId: r.request_id,
    issuedAt: r.issued_at,
    keyFingerprint: r.key_fingerprint,
    document: r.document as unknown as Record<string, unknown>,
    pdfStorageKey: r.pdf_storage_key,
  };
}
