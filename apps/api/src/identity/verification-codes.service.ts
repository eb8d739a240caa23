import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CODE_TTL_SECONDS, CodeContext, CodePurpose, CodeVerdict, codeMatches, generateCode, hashCode, judgeCode } from './verification-code';
import { VerificationKeyService } from './verification-key.service';

/** Whose newest code a submission is judged against: an address (sign-in) or a user (email change). */
export type CodeTarget = { purpose: 'login'; email: string } | { purpose: 'email_change'; userId: string };

export interface IssuedCode {
  id: string;
  /** The plain code, for the email only; never stored, never logged. */
  code: string;
  expiresInSeconds: number;
}

export interface CodeCheck {
  verdict: CodeVerdict;
  /** The judged code row, when there is one. */
  codeId: string | null;
  /** Where that code was sent (for an email change: the new address). */
  email: string | null;
}

interface CodeRow {
  id: string;
  purpose: CodePurpose;
  email: string;
  user_id: string | null;
  code_hash: Buffer;
  attempts: number;
  used: boolean;
  expired: boolean;
}

// Compared against when no code exists, so that an unknown address costs the same HMAC as a known one.
const NO_CODE: CodeContext = { id: '00000000-0000-0000-0000-000000000000', purpose: 'login', email: 'nobody@invalid.invalid', userId: null };

/** Emailed one-time codes: issue (a new one supersedes the older ones), judge a submission, consume. Times come from the database clock. */
@Injectable()
export class VerificationCodesService {
  constructor(private readonly keys: VerificationKeyService) {}

  async issue(purpose: CodePurpose, email: string, userId: string | null, manager: EntityManager): Promise<IssuedCode> {
    const id = randomUUID();
    const code = generateCode();
    await manager.query(
      `INSERT INTO verification_codes (id, purpose, email, user_id, code_hash, expires_at)
       VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))`,
      [id, purpose, email, userId, hashCode(this.keys.key, { id, purpose, email, userId }, code), CODE_TTL_SECONDS],
    );
    return { id, code, expiresInSeconds: CODE_TTL_SECONDS };
  }

  /**
   * Judges a submitted code against the newest code of the target, locking that row. Run it in a
   * transaction that commits whatever the verdict: a wrong code must stay counted.
   */
  async check(target: CodeTarget, code: string, manager: EntityManager): Promise<CodeCheck> {
    const where = target.purpose === 'login' ? `purpose = 'login' AND email = $1` : `purpose = 'email_change' AND user_id = $1`;
    const rows = (await manager.query(
      `SELECT id, purpose, email, user_id, code_hash, attempts, used_at IS NOT NULL AS used, expires_at <= now() AS expired
         FROM verification_codes WHERE ${where}
        ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
      [target.purpose === 'login' ? target.email : target.userId],
    )) as CodeRow[];
    const row = rows[0];
    const context: CodeContext = row ? { id: row.id, purpose: row.purpose, email: row.email, userId: row.user_id } : NO_CODE;
    const matches = codeMatches(this.keys.key, context, code, row?.code_hash ?? Buffer.alloc(32)) && row !== undefined;
    const judgement = judgeCode(row && { attempts: row.attempts, used: row.used, expired: row.expired }, matches);
    if (row && judgement.countAttempt) await manager.query(`UPDATE verification_codes SET attempts = attempts + 1 WHERE id = $1`, [row.id]);
    return { verdict: judgement.verdict, codeId: row?.id ?? null, email: row?.email ?? null };
  }

  /** Single use: an accepted code is spent. */
  async consume(codeId: string, manager: EntityManager): Promise<void> {
    await manager.query(`UPDATE verification_codes SET used_at = now() WHERE id = $1 AND used_at IS NULL`, [codeId]);
  }

  /** Deletes codes that expired more than `keepHours` ago; returns how many. */
  async purge(manager: EntityManager, keepHours: number): Promise<number> {
    const [row] = (await manager.query(
      `WITH gone AS (DELETE FROM verification_codes WHERE expires_at < now() - make_interval(hours => $1) RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      [keepHours],
    )) as Array<{ n: number }>;
    return row?.n ?? 0;
  }
}
