import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ConsentSource, CONSENT_SOURCES, PurposeState, SALE_SHARING, allPurposes, deriveConsentState } from '@soar2/privacy';
import { DataSource, EntityManager } from 'typeorm';
import type { AuditActor } from '../audit/audit-entry';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DataKeyDestroyedException } from '../data-keys/data-keys.exception';
import { DataKeysService } from '../data-keys/data-keys.service';
import { PolicyService } from '../policy/policy.service';
import { UnknownConsentPurposeException } from './consent.exception';

export interface RecordConsentInput {
  userId: string;
  purpose: string;
  granted: boolean;
  source: ConsentSource;
  ip?: string | null;
  userAgent?: string | null;
  /** The policy version label in force; the currently effective version when absent. */
  policyVersion?: string | null;
  /** E.g. the privacy request id, or `unsubscribe:<token id>`. */
  reference?: string | null;
  /** Who made the change, for the audit trail; the user themselves by default (staff for `admin`). */
  actor?: AuditActor;
  /**
   * Only write when the state changes (default true): re-sending the same preference or GPC signal
   * does not grow the ledger.
   */
  onlyIfChanged?: boolean;
}

export interface ConsentRecordView {
  id: string;
  userId: string;
  purpose: string;
  granted: boolean;
  source: ConsentSource;
  policyVersion: string | null;
  reference: string | null;
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  recordedAt: Date;
}

export interface ConsentState {
  userId: string;
  purposes: Record<string, PurposeState>;
  /** Whether a Global Privacy Control signal was honoured for this user, and the first time it was. */
  gpc: { honoured: boolean; firstAt: Date | null; lastAt: Date | null };
}

export interface BulkChangeOptions {
  source: ConsentSource;
  reference?: string | null;
  actor?: AuditActor;
  ip?: string | null;
  userAgent?: string | null;
}

/** A ledger row as read from the table (legacy clear `ip` / `user_agent` until the start-up backfill sealed them). */
export interface ConsentRow {
  id: string;
  user_id: string;
  purpose: string;
  granted: boolean;
  source: ConsentSource;
  policy_version: string | null;
  reference: string | null;
  actor_id: string | null;
  ip: string | null;
  user_agent: string | null;
  ip_sealed: Buffer | null;
  user_agent_sealed: Buffer | null;
  recorded_at: Date;
}

/** Every column a reader needs, for `SELECT ${CONSENT_COLUMNS} FROM consent_records …`. */
export const CONSENT_COLUMNS = 'id, user_id, purpose, granted, source, policy_version, reference, actor_id, ip, user_agent, ip_sealed, user_agent_sealed, recorded_at';

/** The context a sealed consent value is bound to (decision 017: `<table>.<column>:<row id>`). */
export function consentRecordContext(column: 'ip' | 'user_agent', id: string): string {
  return `consent_records.${column}:${id}`;
}

function toView(r: ConsentRow, ip: string | null, userAgent: string | null): ConsentRecordView {
  return {
    id: r.id,
    userId: r.user_id,
    purpose: r.purpose,
    granted: r.granted,
    source: r.source,
    policyVersion: r.policy_version,
    reference: r.reference,
    actorId: r.actor_id,
    ip,
    userAgent,
    recordedAt: r.recorded_at,
  };
}

/**
 * The consent ledger: every grant and withdrawal is a new, never-changed row (a trigger refuses
 * UPDATE and DELETE); the current state is the latest entry per purpose. Other modules ask
 * `allows(userId, purpose)` before using data for a purpose, and privacy requests call
 * `withdrawAll` / `optOutOfSale` / `optOutOfMarketing`.
 */
@Injectable()
export class ConsentService {
  private readonly logger = new Logger('Consent');
  readonly purposes: readonly string[];

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly policy: PolicyService,
    private readonly keys: DataKeysService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.purposes = allPurposes(config.consent.purposes);
  }

  /** Throws UnknownConsentPurposeException (422) when the ledger does not know the purpose. */
  assertPurpose(purpose: string): void {
    if (!this.purposes.includes(purpose)) throw new UnknownConsentPurposeException(String(purpose), this.purposes);
  }

  /**
   * Appends a grant or withdrawal, audited in the same transaction. Serialised per user, so that
   * `onlyIfChanged` compares with the true latest state. Returns the new entry, or null when the
   * state was already the asked one (and `onlyIfChanged` is not false).
   */
  async record(input: RecordConsentInput, manager?: EntityManager): Promise<ConsentRecordView | null> {
    this.assertPurpose(input.purpose);
    if (!(CONSENT_SOURCES as readonly string[]).includes(input.source)) throw new Error(`Unknown consent source "${String(input.source)}".`);
    if (!manager) {
      // Fast path without a transaction or lock: the GPC signal on every request usually changes nothing.
      if (input.onlyIfChanged !== false && (await this.alreadyIs(input, this.dataSource.manager))) return null;
      return this.dataSource.transaction((m) => this.record(input, m));
    }
    await this.lockUser(input.userId, manager);
    if (input.onlyIfChanged !== false && (await this.alreadyIs(input, manager))) return null;
    return this.insert(input, manager);
  }

  /** Whether the latest entry for the purpose already says `granted` (a default state does not count). */
  private async alreadyIs(input: RecordConsentInput, manager: EntityManager): Promise<boolean> {
    const rows = (await manager.query(`SELECT granted FROM consent_records WHERE user_id = $1 AND purpose = $2 ORDER BY recorded_at DESC, id DESC LIMIT 1`, [
      input.userId,
      input.purpose,
    ])) as Array<{ granted: boolean }>;
    return rows[0]?.granted === input.granted;
  }

  /** The current state per purpose, and whether GPC was honoured. */
  async current(userId: string, manager?: EntityManager): Promise<ConsentState> {
    const m = manager ?? this.dataSource.manager;
    const purposes = await this.stateOf(userId, m);
    const gpc = (await m.query(
      `SELECT min(recorded_at) AS first_at, max(recorded_at) AS last_at FROM consent_records WHERE user_id = $1 AND source = 'gpc' AND purpose = $2 AND granted = false`,
      [userId, SALE_SHARING],
    )) as Array<{ first_at: Date | null; last_at: Date | null }>;
    const firstAt = gpc[0]?.first_at ?? null;
    return { userId, purposes, gpc: { honoured: firstAt !== null, firstAt, lastAt: gpc[0]?.last_at ?? null } };
  }

  /** May this user's data be used for this purpose now? (e.g. `allows(userId, 'analytics')`). */
  async allows(userId: string, purpose: string, manager?: EntityManager): Promise<boolean> {
    this.assertPurpose(purpose);
    const state = await this.stateOf(userId, manager ?? this.dataSource.manager);
    return state[purpose]?.granted === true;
  }

  /** Every entry of a user, oldest first, IP and user agent opened (null once the user's key is destroyed). */
  async history(userId: string, manager?: EntityManager): Promise<ConsentRecordView[]> {
    const rows = (await (manager ?? this.dataSource.manager).query(`SELECT ${CONSENT_COLUMNS} FROM consent_records WHERE user_id = $1 ORDER BY recorded_at, id`, [userId])) as ConsentRow[];
    return this.views(rows);
  }

  /**
   * Ledger rows as views: the sealed IP and user agent opened with the owner's key (null once it was
   * destroyed), or, for a row the start-up backfill has not sealed yet, the legacy clear values.
   * Callers that show them to staff audit the read themselves.
   */
  async views(rows: ConsentRow[]): Promise<ConsentRecordView[]> {
    const out: ConsentRecordView[] = [];
    for (const r of rows) {
      const ip = r.ip_sealed ? await this.keys.openTextOrNull(r.user_id, r.ip_sealed, consentRecordContext('ip', r.id)) : r.ip;
      const ua = r.user_agent_sealed ? await this.keys.openTextOrNull(r.user_id, r.user_agent_sealed, consentRecordContext('user_agent', r.id)) : r.user_agent;
      out.push(toView(r, ip, ua));
    }
    return out;
  }

  /** Withdraws every opt-in purpose currently granted and opts out of sale/sharing (consent withdrawal, objection). */
  async withdrawAll(userId: string, options: BulkChangeOptions, manager?: EntityManager): Promise<ConsentRecordView[]> {
    if (!manager) return this.dataSource.transaction((m) => this.withdrawAll(userId, options, m));
    const out: ConsentRecordView[] = [];
    for (const purpose of this.purposes) {
      const r = await this.record({ userId, purpose, granted: false, ...options }, manager);
      if (r) out.push(r);
    }
    return out;
  }

  /** Records an opt-out of sale/sharing (GPC, CCPA opt-out requests); null when already opted out. */
  optOutOfSale(userId: string, options: BulkChangeOptions, manager?: EntityManager): Promise<ConsentRecordView | null> {
    return this.record({ userId, purpose: SALE_SHARING, granted: false, ...options }, manager);
  }

  /** Withdraws marketing consent (opt-out requests, unsubscribe links); null when not granted anyway. */
  optOutOfMarketing(userId: string, options: BulkChangeOptions, manager?: EntityManager): Promise<ConsentRecordView | null> {
    return this.record({ userId, purpose: 'marketing_emails', granted: false, ...options }, manager);
  }

  private async lockUser(userId: string, manager: EntityManager): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('consent:' || $1::text, 0))`, [userId]);
  }

  private async stateOf(userId: string, manager: EntityManager): Promise<Record<string, PurposeState>> {
    const rows = (await manager.query(
      `SELECT DISTINCT ON (purpose) purpose, granted, source, recorded_at FROM consent_records WHERE user_id = $1 ORDER BY purpose, recorded_at DESC, id DESC`,
      [userId],
    )) as Array<{ purpose: string; granted: boolean; source: ConsentSource; recorded_at: Date }>;
    return deriveConsentState(
      this.purposes,
      rows.map((r) => ({ purpose: r.purpose, granted: r.granted, source: r.source, recordedAt: r.recorded_at })),
    );
  }

  private async insert(input: RecordConsentInput, manager: EntityManager): Promise<ConsentRecordView> {
    const version = input.policyVersion ? { id: null, version: input.policyVersion } : await this.policy.versionInForce(manager);
    const actor: AuditActor = input.actor ?? { type: 'user', id: input.userId };
    const id = randomUUID();
    const ip = input.ip && isIP(input.ip) ? input.ip : null;
    const userAgent = input.userAgent ? input.userAgent.slice(0, 512) : null;
    const sealed = await this.sealClient(input.userId, id, ip, userAgent, manager);
    const rows = (await manager.query(
      `INSERT INTO consent_records (id, user_id, purpose, granted, source, policy_version_id, policy_version, reference, actor_id, ip_sealed, user_agent_sealed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${CONSENT_COLUMNS}`,
      [
        id,
        input.userId,
        input.purpose,
        input.granted,
        input.source,
        version?.id ?? null,
        version?.version ?? null,
        input.reference ?? null,
        actor.type === 'user' ? null : (actor.id ?? null),
        sealed.ip,
        sealed.userAgent,
      ],
    )) as ConsentRow[];
    const row = rows[0];
    if (!row) throw new Error('consent record insert returned nothing');
    await this.audit.record(
      {
        action: input.granted ? 'consent.grant' : 'consent.withdraw',
        actor,
        subject: { type: 'user', id: input.userId },
        details: { purpose: input.purpose, source: input.source, consentRecordId: row.id, policyVersion: row.policy_version },
      },
      manager,
    );
    this.logger.log({ consentRecordId: row.id, purpose: input.purpose, granted: input.granted, source: input.source }, 'consent recorded');
    return toView(row, sealed.ip ? ip : null, sealed.userAgent ? userAgent : null);
  }

  /**
   * Seals the IP and user agent of a new entry with the user's data key (decision 022). A person
   * whose key is already destroyed (an unsubscribe link used after erasure) gets an entry without
   * them: nothing could read them back, and the entry is the proof either way.
   */
  private async sealClient(userId: string, id: string, ip: string | null, userAgent: string | null, manager: EntityManager): Promise<{ ip: Buffer | null; userAgent: Buffer | null }> {
    try {
      return {
        ip: ip === null ? null : await this.keys.seal(userId, ip, consentRecordContext('ip', id), manager),
        userAgent: userAgent === null ? null : await this.keys.seal(userId, userAgent, consentRecordContext('user_agent', id), manager),
      };
    } catch (err) {
      if (err instanceof DataKeyDestroyedException) return { ip: null, userAgent: null };
      throw err;
    }
  }
}
