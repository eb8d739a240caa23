// Access/portability packages: the privacy-requests module asks for a build, follows its status,
// learns when it is ready (onReady, inside the transaction that marks it ready) and makes download
// links. Builds are durable pg-boss jobs; a worker that stops or dies mid-build leaves nothing
// visible, and the retried job builds the package again from scratch under a new attempt key.
import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, Repository } from 'typeorm';
import { ListPage } from '../admin-query/list-page';
import type { ListQuery, ListQueryRules } from '../admin-query/list-query';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainException } from '../errors/domain.exception';
import { JobsService, type Job } from '../jobs/jobs.service';
import { PersonalDataRegistry, type ErasureOutcome, type PersonalDataRecord } from '../personal-data/personal-data.registry';
import { ScheduledTaskRunner } from '../jobs/scheduled-task-runner.service';
import { StorageService } from '../storage/storage.service';
import { AccessPackageEntity, type AccessPackageFormat, type AccessPackageState } from './access-package.entity';
import { AccessPackageTokenEntity } from './access-package-token.entity';
import { PackageBuilder } from './package-builder.service';
import { AccessPackageBuildInterruptedException, AccessPackageInvalidException, AccessPackageNotFoundException, AccessPackageNotReadyException } from './privacy-packages.exception';

export const ACCESS_PACKAGE_QUEUE = 'privacy-packages.build';
/** Attempts in all (the first and its retries) before a package is marked failed. */
export const MAX_BUILD_ATTEMPTS = 5;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PROGRESS_WRITE_EVERY_BYTES = 16 * 1024 * 1024;
const PROGRESS_WRITE_EVERY_MS = 1000;

export interface BuildPackageInput {
  userId: string;
  requestId: string | null;
  format: AccessPackageFormat;
}

export interface AccessPackageStatus {
  packageId: string;
  userId: string;
  requestId: string | null;
  format: AccessPackageFormat;
  state: AccessPackageState;
  attempts: number;
  progress: { categoriesDone: number; categoriesTotal: number; bytes: number };
  storageKey?: string;
  sha256?: string;
  size?: number;
  errorCode?: string;
  createdAt: string;
  readyAt?: string;
  /** When the zip is purged (retention), once ready. */
  expiresAt?: string;
}

/** What listeners learn when a package is ready (or has failed for good). */
export interface AccessPackageEvent {
  packageId: string;
  userId: string;
  requestId: string | null;
  format: AccessPackageFormat;
  state: 'ready' | 'failed';
  storageKey: string | null;
  sha256: string | null;
  size: number | null;
  errorCode: string | null;
}

/**
 * Called inside the transaction that marks the package ready (or failed), with its manager: a
 * listener's writes commit with that state change, and a listener that throws rolls it back (the
 * job is then retried). Runs in the worker process that built the package.
 */
export type AccessPackageListener = (event: AccessPackageEvent, manager: EntityManager) => Promise<void>;

export interface DownloadLink {
  token: string;
  url: string;
  expiresAt: string;
}

interface BuildJob {
  packageId: string;
}

export const ACCESS_PACKAGE_LIST_RULES: ListQueryRules = {
  sortable: ['createdAt', 'state', 'readyAt'],
  defaultSort: ['createdAt', 'DESC'],
  filterable: ['id', 'userId', 'requestId', 'state'],
};

/** A package as the console lists it (react-admin needs `id`). */
export type AccessPackageRow = AccessPackageStatus & { id: string };

@Injectable()
export class AccessPackageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(AccessPackageService.name);
  private readonly readyListeners: AccessPackageListener[] = [];
  private readonly failedListeners: AccessPackageListener[] = [];
  /** Aborted when the process shuts down: builds in progress stop and their jobs are retried elsewhere. */
  private readonly shutdown = new AbortController();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    @InjectRepository(AccessPackageEntity) private readonly packages: Repository<AccessPackageEntity>,
    private readonly jobs: JobsService,
    private readonly builder: PackageBuilder,
    private readonly storage: StorageService,
    private readonly scheduler: ScheduledTaskRunner,
    private readonly registry: PersonalDataRegistry,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.ensureQueue(ACCESS_PACKAGE_QUEUE, {
      retryLimit: MAX_BUILD_ATTEMPTS - 1,
      retryDelay: 5,
      retryBackoff: true,
      // A build still active after this is taken as crashed (its worker died): pg-boss fails it and it is retried.
      expireInSeconds: this.config.accessPackages.buildTimeoutMinutes * 60,
    });
    await this.jobs.work<BuildJob>(ACCESS_PACKAGE_QUEUE, (jobs) => this.handle(jobs), { batchSize: 1 });
    // Packages are copies of a user's personal data: listed in later packages, erased with the user.
    this.registry.register({
      category: 'privacy.access_packages',
      description: 'Copies of your data made at your request (this list, not their contents).',
      purposes: ['answering your privacy requests'],
      sources: ['system'],
      export: (subject) => this.exportPackages(subject.userId),
      erase: (subject) => this.erasePackages(subject.userId),
    });
    // Purging past the retention period is the access_packages retention policy's sweep (access-package-retention.ts).
    this.scheduler.schedule('privacy-packages.sweep', '*/10 * * * *', async () => {
      await this.requeueStranded();
    });
  }

  onModuleDestroy(): void {
    this.shutdown.abort();
  }

  /** Registers a listener told (in the marking transaction) when a package is ready. */
  onReady(listener: AccessPackageListener): void {
    this.readyListeners.push(listener);
  }

  /** Registers a listener told when a package failed for good (every attempt spent). */
  onFailed(listener: AccessPackageListener): void {
    this.failedListeners.push(listener);
  }

  /** Records a package and enqueues its build; resolves once both are durable. */
  async build(input: BuildPackageInput): Promise<{ packageId: string }> {
    const row = await this.packages.save(
      this.packages.create({ userId: input.userId, requestId: input.requestId, format: input.format, state: 'queued', attempts: 0, categoriesTotal: this.builder.categoryCount(), categoriesDone: 0, bytes: 0 }),
    );
    try {
      await this.jobs.send<BuildJob>(ACCESS_PACKAGE_QUEUE, { packageId: row.id }, { singletonKey: row.id });
    } catch (err) {
      await this.packages.delete({ id: row.id });
      throw err;
    }
    this.logger.log({ packageId: row.id, format: input.format }, 'access package queued');
    return { packageId: row.id };
  }

  async status(packageId: string): Promise<AccessPackageStatus> {
    const row = await this.packages.findOneBy({ id: packageId });
    if (!row) throw new AccessPackageNotFoundException();
    return toStatus(row);
  }

  /** Packages of one privacy request, newest first. */
  async forRequest(requestId: string): Promise<AccessPackageStatus[]> {
    const rows = await this.packages.find({ where: { requestId }, order: { createdAt: 'DESC' } });
    return rows.map(toStatus);
  }

  /** Console list: filter by userId, requestId, state. */
  async list(q: ListQuery): Promise<ListPage<AccessPackageRow>> {
    const qb = this.packages.createQueryBuilder('p');
    const filter = q.filter;
    if (typeof filter.id === 'string' && UUID.test(filter.id)) qb.andWhere('p.id = :id', { id: filter.id });
    for (const [field, column] of [['userId', 'p.user_id'], ['requestId', 'p.request_id']] as const) {
      const value = filter[field];
      if (typeof value !== 'string') continue;
      if (UUID.test(value)) qb.andWhere(`${column} = :${field}`, { [field]: value });
      else qb.andWhere('false');
    }
    if (typeof filter.state === 'string') qb.andWhere('p.state = :state', { state: filter.state });
    const column = { createdAt: 'p.created_at', state: 'p.state', readyAt: 'p.ready_at' }[q.sortField] ?? 'p.created_at';
    qb.orderBy(column, q.sortOrder).addOrderBy('p.id', q.sortOrder);
    const [rows, total] = await qb.offset(q.skip).limit(q.take).getManyAndCount();
    return new ListPage('privacy-packages', rows.map((r) => ({ id: r.id, ...toStatus(r) })), q.skip, total);
  }

  /**
   * A download link for a ready package, for its subject only; works `ttlDays` days (default from
   * ACCESS_PACKAGE_LINK_TTL_DAYS, never beyond the package's purge). Only the token's hash is kept.
   */
  async issueDownloadLink(packageId: string, options: { ttlDays?: number } = {}, manager?: EntityManager): Promise<DownloadLink> {
    const m = manager ?? this.dataSource.manager;
    const row = await m.findOneBy(AccessPackageEntity, { id: packageId });
    if (!row) throw new AccessPackageNotFoundException();
    if (row.state !== 'ready') throw new AccessPackageNotReadyException(row.state);
    const token = randomBytes(32).toString('base64url');
    const ttlMs = (options.ttlDays ?? this.config.accessPackages.linkTtlDays) * 86_400_000;
    const expiresAt = new Date(Date.now() + ttlMs);
    await m.insert(AccessPackageTokenEntity, { packageId, userId: row.userId, tokenHash: hashDownloadToken(token), expiresAt, downloads: 0 });
    return { token, url: `${this.config.publicUrl}/v1/downloads/${token}`, expiresAt: expiresAt.toISOString() };
  }

  /**
   * Sends the build job again for packages queued for longer than `olderThanMinutes` without moving:
   * a process that died between recording a package and enqueueing its job leaves such a row. A
   * duplicate job is harmless: attempts are numbered and only the newest may mark the package ready.
   */
  async requeueStranded(olderThanMinutes = 30): Promise<number> {
    const rows = (await this.dataSource.query(
      `UPDATE access_packages SET updated_at = now()
        WHERE id IN (SELECT id FROM access_packages WHERE state = 'queued' AND updated_at < now() - make_interval(mins => $1) ORDER BY updated_at LIMIT 100)
        RETURNING id`,
      [olderThanMinutes],
    )) as [Array<{ id: string }>, number];
    for (const { id } of rows[0]) await this.jobs.send<BuildJob>(ACCESS_PACKAGE_QUEUE, { packageId: id });
    if (rows[0].length > 0) this.logger.warn({ count: rows[0].length }, 'access packages re-enqueued after standing queued without a job');
    return rows[0].length;
  }

  private async *exportPackages(userId: string): AsyncGenerator<PersonalDataRecord> {
    const rows = await this.packages.find({ where: { userId }, order: { createdAt: 'ASC' } });
    for (const r of rows) {
      yield {
        data: {
          packageId: r.id,
          requestId: r.requestId,
          format: r.format,
          state: r.state,
          createdAt: r.createdAt.toISOString(),
          readyAt: r.readyAt?.toISOString() ?? null,
          size: r.size,
          sha256: r.sha256,
        },
      };
    }
  }

  /** Deletes every package of the user: zips (all attempts) and rows, download links with them. Idempotent. */
  private async erasePackages(userId: string): Promise<ErasureOutcome> {
    const rows = await this.packages.find({ where: { userId }, select: { id: true } });
    for (const { id } of rows) {
      for await (const object of this.storage.list(`privacy-packages/${id}/`)) await this.storage.delete(object.key);
    }
    const result = await this.packages.delete({ userId });
    return { deleted: result.affected ?? rows.length, anonymised: 0, retained: [] };
  }

  private async handle(jobs: Array<Job<BuildJob>>): Promise<void> {
    for (const job of jobs) await this.run(job.data.packageId);
  }

  /** One build attempt: claims the package, builds under a fresh key, then marks it ready (or queued again / failed). */
  async run(packageId: string): Promise<void> {
    const total = this.builder.categoryCount();
    const claimed = (await this.dataSource.query(
      `UPDATE access_packages
          SET state = 'building', attempts = attempts + 1, categories_total = $2, categories_done = 0, bytes = 0,
              error_code = NULL, started_at = now(), updated_at = now()
        WHERE id = $1 AND state IN ('queued', 'building')
        RETURNING user_id, request_id, format, attempts, created_at`,
      [packageId, total],
    )) as [Array<{ user_id: string; request_id: string | null; format: AccessPackageFormat; attempts: number; created_at: Date }>, number];
    const row = claimed[0][0];
    if (!row) return; // ready, purged, failed or gone: nothing to do (a duplicate or late retry)
    const attempt = row.attempts;
    const storageKey = `privacy-packages/${packageId}/attempt-${attempt}.zip`;
    let lastWrite = 0;
    let lastBytes = 0;
    try {
      const stored = await this.builder.build({
        packageId,
        userId: row.user_id,
        requestId: row.request_id,
        format: row.format,
        storageKey,
        generatedAt: new Date(),
        signal: this.shutdown.signal,
        onCategoryDone: async (done) => {
          await this.dataSource.query(`UPDATE access_packages SET categories_done = $2, updated_at = now() WHERE id = $1 AND attempts = $3`, [packageId, done, attempt]);
        },
        onBytes: (bytes) => {
          const now = Date.now();
          if (bytes - lastBytes < PROGRESS_WRITE_EVERY_BYTES && now - lastWrite < PROGRESS_WRITE_EVERY_MS) return;
          lastBytes = bytes;
          lastWrite = now;
          this.dataSource
            .query(`UPDATE access_packages SET bytes = $2, updated_at = now() WHERE id = $1 AND attempts = $3 AND state = 'building'`, [packageId, bytes, attempt])
            .catch((err: Error) => this.logger.warn({ packageId, err }, 'could not record package progress'));
        },
      });
      const marked = await this.markReady(packageId, attempt, stored);
      if (!marked) {
        await this.storage.delete(storageKey);
        return;
      }
      await this.deleteOtherAttempts(packageId, storageKey);
      this.logger.log({ packageId, attempt, size: stored.size }, 'access package ready');
    } catch (err) {
      await this.storage.delete(storageKey).catch(() => undefined);
      await this.afterFailure(packageId, attempt, err);
      // Content outside the schema comes out the same on every attempt: failed at once, not retried.
      if (err instanceof AccessPackageInvalidException) return;
      throw err;
    }
  }

  private async markReady(packageId: string, attempt: number, stored: { key: string; sha256: string; size: number }): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = (await manager.query(
        `UPDATE access_packages
            SET state = 'ready', storage_key = $3, sha256 = $4, size = $5, bytes = $5, categories_done = categories_total,
                ready_at = now(), updated_at = now(),
                -- When the access_packages policy, as it stands now, will purge it (its keep days are the period).
                expires_at = now() + make_interval(days => coalesce((SELECT keep_days FROM retention_policies WHERE category = 'access_packages'), 7))
          WHERE id = $1 AND attempts = $2 AND state = 'building'
          RETURNING id, user_id, request_id, format`,
        [packageId, attempt, stored.key, stored.sha256, stored.size],
      )) as [Array<{ user_id: string; request_id: string | null; format: AccessPackageFormat }>, number];
      const row = result[0][0];
      if (!row) return false;
      const event: AccessPackageEvent = {
        packageId,
        userId: row.user_id,
        requestId: row.request_id,
        format: row.format,
        state: 'ready',
        storageKey: stored.key,
        sha256: stored.sha256,
        size: stored.size,
        errorCode: null,
      };
      for (const listener of this.readyListeners) await listener(event, manager);
      return true;
    });
  }

  /** Interrupted: back to queued for the retry. Other errors: queued while attempts remain, failed after the last. */
  private async afterFailure(packageId: string, attempt: number, err: unknown): Promise<void> {
    const code = err instanceof DomainException ? err.code : 'ACCESS_PACKAGE_BUILD_FAILED';
    const final = err instanceof AccessPackageInvalidException || (!(err instanceof AccessPackageBuildInterruptedException) && attempt >= MAX_BUILD_ATTEMPTS);
    this.logger.warn({ packageId, attempt, code, final }, 'access package build attempt failed');
    await this.dataSource.transaction(async (manager) => {
      const result = (await manager.query(
        `UPDATE access_packages SET state = $3, error_code = $4, bytes = 0, updated_at = now()
          WHERE id = $1 AND attempts = $2 AND state = 'building'
          RETURNING user_id, request_id, format`,
        [packageId, attempt, final ? 'failed' : 'queued', code],
      )) as [Array<{ user_id: string; request_id: string | null; format: AccessPackageFormat }>, number];
      const row = result[0][0];
      if (!row || !final) return;
      const event: AccessPackageEvent = { packageId, userId: row.user_id, requestId: row.request_id, format: row.format, state: 'failed', storageKey: null, sha256: null, size: null, errorCode: code };
      for (const listener of this.failedListeners) await listener(event, manager);
    });
  }

  /** Zips of earlier attempts that completed their put but lost the race to be marked ready. */
  private async deleteOtherAttempts(packageId: string, keep: string): Promise<void> {
    for await (const object of this.storage.list(`privacy-packages/${packageId}/`)) {
      if (object.key !== keep) await this.storage.delete(object.key);
    }
  }
}

export function hashDownloadToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function toStatus(row: AccessPackageEntity): AccessPackageStatus {
  return {
    packageId: row.id,
    userId: row.userId,
    requestId: row.requestId,
    format: row.format,
    state: row.state,
    attempts: row.attempts,
    progress: { categoriesDone: row.categoriesDone, categoriesTotal: row.categoriesTotal, bytes: row.bytes },
    ...(row.storageKey ? { storageKey: row.storageKey } : {}),
    ...(row.sha256 ? { sha256: row.sha256 } : {}),
    ...(row.size !== null ? { size: row.size } : {}),
    ...(row.errorCode ? { errorCode: row.errorCode } : {}),
    createdAt: row.createdAt.toISOString(),
    ...(row.readyAt ? { readyAt: row.readyAt.toISOString() } : {}),
    ...(row.expiresAt ? { expiresAt: row.expiresAt.toISOString() } : {}),
  };
}
