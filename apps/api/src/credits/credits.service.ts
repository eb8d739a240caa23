import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ForbiddenActionException } from '../identity/identity.exception';
import { ValidationFailedException } from '../errors/domain.exception';
import {
  CreditEntryKind,
  FieldErrors,
  adjustmentNeedsAdmin,
  idempotencyKeyError,
  positiveAmountError,
  reasonError,
  referenceErrors,
  referenceKey,
  signedAmountError,
} from './credit-rules';
import {
  AdjustmentLimitExceededException,
  HoldAlreadyCapturedException,
  HoldAlreadyReleasedException,
  HoldNotFoundException,
  IdempotencyKeyReusedException,
  InsufficientCreditsException,
} from './credits.exception';

export interface CreditSummary {
  /** Sum of settled entries (grants, purchases, refunds, adjustments, captures, expiries, clawbacks). */
  balance: number;
  /** Credits of open holds (no capture or release yet). */
  held: number;
  /** balance − held: what a new hold may take. */
  available: number;
}

/** Who made a ledger change (the audit log's actor types). */
export interface CreditActorRef {
  type: 'staff' | 'user' | 'system' | 'agent';
  id?: string | null;
  role?: string | null;
}

export interface HoldInput {
  userId: string;
  amount: number;
  referenceType: string;
  referenceId: string;
  reason: string;
}

export interface RefundInput {
  userId: string;
  amount: number;
  referenceType: string;
  referenceId: string;
  actor: CreditActorRef;
  reason: string;
}

export interface AdjustInput {
  userId: string;
  /** Signed, non-zero: positive adds credits, negative removes them. */
  amount: number;
  actor: { type: 'staff'; id: string; role: string };
  reason: string;
  referenceType?: string;
  referenceId?: string;
}

export interface GrantInput {
  userId: string;
  amount: number;
  kind: 'grant' | 'purchase';
  idempotencyKey: string;
  reason: string;
  referenceType?: string;
  referenceId?: string;
  /** Allowance grants expire (their unused part) at this time; purchases never expire. */
  expiresAt?: Date | null;
  actor?: CreditActorRef;
}

export interface ClawbackInput {
  userId: string;
  /** Credits to take back (positive). */
  amount: number;
  idempotencyKey: string;
  reason: string;
  referenceType?: string;
  referenceId?: string;
}

export interface ClawbackResult {
  entryId: string;
  /** True when the entry was written now (false: the key had been used before). */
  created: boolean;
  /** Available credits after the clawback; negative means the user owes credits and support is flagged. */
  available: number;
  flagged: boolean;
}

/** One ledger row as the API shows it. */
export interface CreditEntryView {
  id: string;
  seq: number;
  userId: string | null;
  kind: CreditEntryKind;
  /** Change to the balance (negative for captures, expiries, clawbacks, negative adjustments; 0 for holds and releases). */
  amount: number;
  /** Change to the held credits (hold +n, release and capture −n). */
  heldDelta: number;
  holdId: string | null;
  idempotencyKey: string;
  referenceType: string | null;
  referenceId: string | null;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  reason: string;
  expiresAt: string | null;
  createdAt: string;
}

/** What an end user sees of an entry: no staff ids, roles or internal keys. */
export type PublicCreditEntry = Pick<CreditEntryView, 'id' | 'seq' | 'kind' | 'amount' | 'heldDelta' | 'holdId' | 'referenceType' | 'referenceId' | 'reason' | 'expiresAt' | 'createdAt'>;

export interface CreditHistoryPage {
  items: PublicCreditEntry[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

interface EntryRow {
  id: string;
  seq: string;
  user_id: string | null;
  kind: CreditEntryKind;
  amount: number;
  held_delta: number;
  hold_id: string | null;
  idempotency_key: string;
  reference_type: string | null;
  reference_id: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_role: string | null;
  reason: string;
  expires_at: Date | null;
  created_at: Date;
}

interface NewEntry {
  userId: string;
  kind: CreditEntryKind;
  amount: number;
  heldDelta: number;
  holdId?: string | null;
  key: string;
  referenceType?: string | null;
  referenceId?: string | null;
  actor: CreditActorRef;
  reason: string;
  expiresAt?: Date | null;
}

const SYSTEM: CreditActorRef = { type: 'system', id: 'credits' };
export const ENTRY_COLUMNS =
  'id, seq, user_id, kind, amount, held_delta, hold_id, idempotency_key, reference_type, reference_id, actor_type, actor_id, actor_role, reason, expires_at, created_at';

export function toEntryView(r: EntryRow): CreditEntryView {
  return {
    id: r.id,
    seq: Number(r.seq),
    userId: r.user_id,
    kind: r.kind,
    amount: r.amount,
    heldDelta: r.held_delta,
    holdId: r.hold_id,
    idempotencyKey: r.idempotency_key,
    referenceType: r.reference_type,
    referenceId: r.reference_id,
    actorType: r.actor_type,
    actorId: r.actor_id,
    actorRole: r.actor_role,
    reason: r.reason,
    expiresAt: r.expires_at ? r.expires_at.toISOString() : null,
    createdAt: r.created_at.toISOString(),
  };
}

/** Rows of any statement (TypeORM answers UPDATE … RETURNING as [rows, count]; the structured result does not). */
export async function sqlRows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  if (m.queryRunner) {
    const result = await m.queryRunner.query(sql, params, true);
    return result.records as T[];
  }
  const raw: unknown = await m.query(sql, params);
  return Array.isArray(raw) && raw.length === 2 && Array.isArray(raw[0]) && typeof raw[1] === 'number' ? (raw[0] as T[]) : (raw as T[]);
}

function check(errors: FieldErrors): void {
  if (Object.keys(errors).length > 0) throw new ValidationFailedException(errors);
}

function collect(entries: Record<string, string | undefined>): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(entries)) if (v) out[k] = v;
  return out;
}

/**
 * The credit ledger: every change is one append-only entry in credit_entries, written together with
 * the user's running totals in credit_balances under that row's lock (so holds never overdraw, even
 * with many concurrent callers). Every method takes an optional EntityManager: pass the one of your
 * open transaction and the entry commits or disappears with your change; otherwise each call runs in
 * its own transaction. Repeating a call with the same idempotency key returns the first result.
 */
@Injectable()
export class CreditsService {
  private readonly logger = new Logger('Credits');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Reserves `amount` credits for a reference (a job). Idempotent per reference; 402 INSUFFICIENT_CREDITS when available < amount. */
  async hold(input: HoldInput, manager?: EntityManager): Promise<{ holdId: string; amount: number }> {
    check({
      ...collect({ userId: uuidError(input.userId), amount: positiveAmountError(input.amount), reason: reasonError(input.reason) }),
      ...referenceErrors(input.referenceType, input.referenceId, true),
    });
    const key = referenceKey(input.referenceType, input.referenceId, 'hold');
    const m = manager ?? this.dataSource.manager;
    // One statement (atomic on its own, or inside the caller's transaction): lock the user's totals
    // row (FOR UPDATE reads its latest version), insert the hold only if enough is available, and
    // move `held` only if the hold was inserted. The common path is a single round trip.
    const [row] = await sqlRows<{ id: string | null; available: string | null }>(
      m,
      `WITH acct AS (SELECT balance, held FROM credit_balances WHERE user_id = $1::uuid FOR UPDATE),
            ins AS (
              INSERT INTO credit_entries (user_id, kind, amount, held_delta, idempotency_key, reference_type, reference_id, actor_type, actor_id, reason)
              SELECT $1::uuid, 'hold', 0, $2::integer, $3, $4, $5, 'system', 'credits', $6 FROM acct WHERE acct.balance - acct.held >= $2::integer
              ON CONFLICT (idempotency_key) DO NOTHING
              RETURNING id),
            upd AS (UPDATE credit_balances SET held = held + $2::integer, updated_at = now() WHERE user_id = $1::uuid AND EXISTS (SELECT 1 FROM ins) RETURNING held)
       SELECT (SELECT id FROM ins) AS id, (SELECT balance - held FROM acct) AS available, (SELECT count(*) FROM upd) AS moved`,
      [input.userId, input.amount, key, input.referenceType, input.referenceId, input.reason],
    );
    if (row?.id) return { holdId: row.id, amount: input.amount };
    const existing = await this.findByKey(m, key);
    if (existing) {
      if (existing.kind !== 'hold' || existing.user_id !== input.userId || existing.held_delta !== input.amount) throw new IdempotencyKeyReusedException(key);
      return { holdId: existing.id, amount: existing.held_delta };
    }
    throw new InsufficientCreditsException(Number(row?.available ?? 0), input.amount);
  }

  /** Turns a hold into spent credits. Repeating is a no-op; a released hold answers 409 HOLD_ALREADY_RELEASED. */
  async capture(holdId: string, manager?: EntityManager): Promise<void> {
    await this.settle(holdId, 'capture', 'Captured: the job succeeded.', manager);
  }

  /** Gives a hold's credits back to available. Repeating is a no-op; a captured hold answers 409 HOLD_ALREADY_CAPTURED. */
  async release(holdId: string, reason: string, manager?: EntityManager): Promise<void> {
    check(collect({ reason: reasonError(reason) }));
    await this.settle(holdId, 'release', reason, manager);
  }

  /** Gives credits back for a reference (e.g. a failed job already captured). Idempotent per reference. */
  async refund(input: RefundInput, manager?: EntityManager): Promise<{ entryId: string }> {
    check({
      ...collect({ userId: uuidError(input.userId), amount: positiveAmountError(input.amount), reason: reasonError(input.reason) }),
      ...referenceErrors(input.referenceType, input.referenceId, true),
    });
    const key = referenceKey(input.referenceType, input.referenceId, 'refund');
    return this.transaction(manager, async (m) => {
      await this.lockAccount(m, input.userId);
      const existing = await this.findByKey(m, key);
      if (existing) {
        this.assertSame(existing, key, input.userId, 'refund', input.amount);
        return { entryId: existing.id };
      }
      const entryId = await this.append(m, {
        userId: input.userId,
        kind: 'refund',
        amount: input.amount,
        heldDelta: 0,
        key,
        referenceType: input.referenceType,
        referenceId: input.referenceId,
        actor: input.actor,
        reason: input.reason,
      });
      return { entryId };
    });
  }

  /**
   * A staff adjustment (signed, non-zero) with a mandatory reason. Support agents may adjust at most the
   * admin-set limit (credit_settings) per adjustment; admins have none. A removal never takes available
   * below zero (402). Recorded in the audit log (`credit.adjust`) in the same transaction.
   */
  async adjust(input: AdjustInput, manager?: EntityManager): Promise<{ entryId: string; summary: CreditSummary }> {
    check({
      ...collect({ userId: uuidError(input.userId), amount: signedAmountError(input.amount), reason: reasonError(input.reason) }),
      ...referenceErrors(input.referenceType, input.referenceId, false),
    });
    if (input.actor.type !== 'staff' || !['admin', 'support_agent'].includes(input.actor.role)) throw new ForbiddenActionException('Only admins and support agents adjust credits.');
    return this.transaction(manager, async (m) => {
      const limit = await this.supportAdjustmentLimit(m);
      if (adjustmentNeedsAdmin(input.amount, input.actor.role, limit)) throw new AdjustmentLimitExceededException(limit);
      const account = await this.lockAccount(m, input.userId);
      const key = input.referenceType && input.referenceId ? referenceKey(input.referenceType, input.referenceId, 'adjustment') : `adjustment:${randomUUID()}`;
      const existing = await this.findByKey(m, key);
      if (existing) {
        this.assertSame(existing, key, input.userId, 'adjustment', input.amount);
        return { entryId: existing.id, summary: summaryOf(account) };
      }
      const available = account.balance - account.held;
      if (input.amount < 0 && available + input.amount < 0) throw new InsufficientCreditsException(available, -input.amount);
      const entryId = await this.append(m, {
        userId: input.userId,
        kind: 'adjustment',
        amount: input.amount,
        heldDelta: 0,
        key,
        referenceType: input.referenceType,
        referenceId: input.referenceId,
        actor: input.actor,
        reason: input.reason.trim(),
      });
      const after = { balance: account.balance + input.amount, held: account.held };
      await this.audit.record(
        {
          action: 'credit.adjust',
          actor: { type: 'staff', id: input.actor.id, role: input.actor.role },
          subject: { type: 'user', id: input.userId },
          details: { entryId, amount: input.amount, balanceAfter: after.balance, reason: input.reason.trim().slice(0, 200), referenceType: input.referenceType, referenceId: input.referenceId },
        },
        m,
      );
      return { entryId, summary: summaryOf(after) };
    });
  }

  /** Adds credits: `grant` (a plan's allowance, may expire) or `purchase` (never expires). Idempotent per key. */
  async grant(input: GrantInput, manager?: EntityManager): Promise<{ entryId: string; created: boolean }> {
    const errors = {
      ...collect({
        userId: uuidError(input.userId),
        amount: positiveAmountError(input.amount),
        reason: reasonError(input.reason),
        idempotencyKey: idempotencyKeyError(input.idempotencyKey),
        kind: input.kind === 'grant' || input.kind === 'purchase' ? undefined : 'Must be grant or purchase.',
        expiresAt:
          input.expiresAt && input.kind === 'purchase'
            ? 'Purchased credits never expire.'
            : input.expiresAt && Number.isNaN(input.expiresAt.getTime())
              ? 'Must be a valid date.'
              : undefined,
      }),
      ...referenceErrors(input.referenceType, input.referenceId, false),
    };
    check(errors);
    return this.transaction(manager, async (m) => {
      await this.lockAccount(m, input.userId);
      const existing = await this.findByKey(m, input.idempotencyKey);
      if (existing) {
        this.assertSame(existing, input.idempotencyKey, input.userId, input.kind, input.amount);
        return { entryId: existing.id, created: false };
      }
      const entryId = await this.append(m, {
        userId: input.userId,
        kind: input.kind,
        amount: input.amount,
        heldDelta: 0,
        key: input.idempotencyKey,
        referenceType: input.referenceType,
        referenceId: input.referenceId,
        actor: input.actor ?? { type: 'system', id: 'billing' },
        reason: input.reason,
        expiresAt: input.expiresAt ?? null,
      });
      return { entryId, created: true };
    });
  }

  /**
   * Takes credits back after a refund or dispute. The full amount is taken even when some of it was
   * already spent: the balance then shows negative and the account is flagged for support.
   */
  async clawback(input: ClawbackInput, manager?: EntityManager): Promise<ClawbackResult> {
    check({
      ...collect({ userId: uuidError(input.userId), amount: positiveAmountError(input.amount), reason: reasonError(input.reason), idempotencyKey: idempotencyKeyError(input.idempotencyKey) }),
      ...referenceErrors(input.referenceType, input.referenceId, false),
    });
    return this.transaction(manager, async (m) => {
      const account = await this.lockAccount(m, input.userId);
      const existing = await this.findByKey(m, input.idempotencyKey);
      if (existing) {
        this.assertSame(existing, input.idempotencyKey, input.userId, 'clawback', -input.amount);
        return { entryId: existing.id, created: false, available: account.balance - account.held, flagged: false };
      }
      const entryId = await this.append(m, {
        userId: input.userId,
        kind: 'clawback',
        amount: -input.amount,
        heldDelta: 0,
        key: input.idempotencyKey,
        referenceType: input.referenceType,
        referenceId: input.referenceId,
        actor: { type: 'system', id: 'billing' },
        reason: input.reason,
      });
      const available = account.balance - input.amount - account.held;
      let flagged = false;
      if (available < 0) {
        flagged = true;
        await this.flag(m, input.userId, `Clawback of ${input.amount} credits (${input.reason.slice(0, 200)}) left the account at ${available} available credits.`);
      }
      return { entryId, created: true, available, flagged };
    });
  }

  /** Marks the account for support's attention (shown in the console); cleared by `clearFlag`. */
  async flag(m: EntityManager, userId: string, reason: string): Promise<void> {
    await sqlRows(m, `UPDATE credit_balances SET flagged_at = now(), flag_reason = $2, updated_at = now() WHERE user_id = $1`, [userId, reason]);
    this.logger.warn({ userId }, 'credit account flagged for support');
  }

  async summary(userId: string, manager?: EntityManager): Promise<CreditSummary> {
    const rows = await sqlRows<{ balance: string; held: string }>(manager ?? this.dataSource.manager, `SELECT balance, held FROM credit_balances WHERE user_id = $1`, [userId]);
    const row = rows[0];
    return summaryOf({ balance: Number(row?.balance ?? 0), held: Number(row?.held ?? 0) });
  }

  /** The user's entries, newest first; `before` is the previous page's nextCursor. */
  async history(userId: string, options: { limit?: number; before?: string } = {}): Promise<CreditHistoryPage> {
    const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
    const before = options.before && /^\d{1,18}$/.test(options.before) ? options.before : null;
    const rows = await sqlRows<EntryRow>(
      this.dataSource.manager,
      `SELECT ${ENTRY_COLUMNS} FROM credit_entries WHERE user_id = $1 AND ($2::bigint IS NULL OR seq < $2::bigint) ORDER BY seq DESC LIMIT $3`,
      [userId, before, limit + 1],
    );
    const items = rows.slice(0, limit).map((r): PublicCreditEntry => {
      const { id, seq, kind, amount, heldDelta, holdId, referenceType, referenceId, reason, expiresAt, createdAt } = toEntryView(r);
      return { id, seq, kind, amount, heldDelta, holdId, referenceType, referenceId, reason, expiresAt, createdAt };
    });
    return { items, nextCursor: rows.length > limit ? String(items[items.length - 1]?.seq) : null };
  }

  /** The per-adjustment limit for support agents (set by admins). */
  async supportAdjustmentLimit(manager?: EntityManager): Promise<number> {
    const rows = await sqlRows<{ support_adjustment_limit: number }>(manager ?? this.dataSource.manager, `SELECT support_adjustment_limit FROM credit_settings WHERE id = 1`);
    return rows[0]?.support_adjustment_limit ?? 0;
  }

  /** Locks the user's totals row for the rest of the transaction `m` and returns them. */
  async lockedSummary(m: EntityManager, userId: string): Promise<CreditSummary> {
    return summaryOf(await this.lockAccount(m, userId));
  }

  /**
   * Records the expiry of an allowance grant (`amount` unused credits, possibly 0) inside `m`, after
   * `lockedSummary`. Once per grant (a unique index); used by AllowanceExpiryService.
   */
  async recordExpiry(m: EntityManager, userId: string, grantId: string, amount: number): Promise<void> {
    const key = `expiry:${grantId}`;
    if (await this.findByKey(m, key)) return;
    await this.append(m, {
      userId,
      kind: 'expiry',
      amount: -amount,
      heldDelta: 0,
      holdId: grantId,
      key,
      actor: SYSTEM,
      reason: amount > 0 ? `Unused monthly allowance expired at the end of the period (${amount} credits).` : 'Monthly allowance fully used; nothing expired.',
    });
  }

  // ---- internals -------------------------------------------------------------------------------

  private async settle(holdId: string, kind: 'capture' | 'release', reason: string, manager?: EntityManager): Promise<void> {
    if (uuidError(holdId)) throw new HoldNotFoundException();
    await this.transaction(manager, async (m) => {
      const [hold] = await sqlRows<EntryRow>(m, `SELECT ${ENTRY_COLUMNS} FROM credit_entries WHERE id = $1 AND kind = 'hold'`, [holdId]);
      if (!hold) throw new HoldNotFoundException();
      // The account lock serializes settlements of one user's holds; anonymised holds rely on the unique index alone.
      if (hold.user_id) await this.lockAccount(m, hold.user_id);
      const [done] = await sqlRows<{ kind: string }>(m, `SELECT kind FROM credit_entries WHERE hold_id = $1 AND kind IN ('capture','release')`, [holdId]);
      if (done) {
        if (done.kind === kind) return;
        throw kind === 'capture' ? new HoldAlreadyReleasedException(holdId) : new HoldAlreadyCapturedException(holdId);
      }
      const n = hold.held_delta;
      const key = hold.reference_type && hold.reference_id ? referenceKey(hold.reference_type, hold.reference_id, kind) : `hold:${hold.id}:${kind}`;
      await this.append(m, {
        userId: hold.user_id ?? '',
        kind,
        amount: kind === 'capture' ? -n : 0,
        heldDelta: -n,
        holdId,
        key,
        referenceType: hold.reference_type,
        referenceId: hold.reference_id,
        actor: SYSTEM,
        reason,
      });
    });
  }

  /** Runs `work` in the caller's transaction when there is one, otherwise in a new one. */
  private async transaction<T>(manager: EntityManager | undefined, work: (m: EntityManager) => Promise<T>): Promise<T> {
    if (manager?.queryRunner?.isTransactionActive) return work(manager);
    return (manager ?? this.dataSource.manager).transaction(work);
  }

  /** Creates the user's totals row if needed and locks it until the transaction ends. */
  private async lockAccount(m: EntityManager, userId: string): Promise<{ balance: number; held: number }> {
    const [row] = await sqlRows<{ balance: string; held: string }>(
      m,
      `INSERT INTO credit_balances AS b (user_id) VALUES ($1) ON CONFLICT (user_id) DO UPDATE SET updated_at = b.updated_at RETURNING b.balance, b.held`,
      [userId],
    );
    return { balance: Number(row?.balance ?? 0), held: Number(row?.held ?? 0) };
  }

  private async findByKey(m: EntityManager, key: string): Promise<EntryRow | undefined> {
    const [row] = await sqlRows<EntryRow>(m, `SELECT ${ENTRY_COLUMNS} FROM credit_entries WHERE idempotency_key = $1`, [key]);
    return row;
  }

  private assertSame(existing: EntryRow, key: string, userId: string, kind: CreditEntryKind, amount: number): void {
    if (existing.user_id !== userId || existing.kind !== kind || existing.amount !== amount) throw new IdempotencyKeyReusedException(key);
  }

  /** Inserts one entry and moves the user's totals by the same amounts (the account row is already locked). */
  private async append(m: EntityManager, e: NewEntry): Promise<string> {
    const [row] = await sqlRows<{ id: string }>(
      m,
      `INSERT INTO credit_entries (user_id, kind, amount, held_delta, hold_id, idempotency_key, reference_type, reference_id, actor_type, actor_id, actor_role, reason, expires_at)
       VALUES (NULLIF($1, '')::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
      [
        e.userId,
        e.kind,
        e.amount,
        e.heldDelta,
        e.holdId ?? null,
        e.key,
        e.referenceType ?? null,
        e.referenceId ?? null,
        e.actor.type,
        e.actor.id ?? null,
        e.actor.role ?? null,
        e.reason,
        e.expiresAt ?? null,
      ],
    );
    if (e.userId) {
      await sqlRows(m, `UPDATE credit_balances SET balance = balance + $2, held = held + $3, updated_at = now() WHERE user_id = $1`, [e.userId, e.amount, e.heldDelta]);
    }
    return row?.id ?? '';
  }
}

function summaryOf(a: { balance: number; held: number }): CreditSummary {
  return { balance: a.balance, held: a.held, available: a.balance - a.held };
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function uuidError(value: unknown): string | undefined {
  return typeof value === 'string' && UUID_RE.test(value) ? undefined : 'Must be a UUID.';
}

