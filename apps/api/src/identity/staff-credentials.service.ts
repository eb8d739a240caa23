import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Not, Repository } from 'typeorm';
import type { StaffPrincipal } from './auth.decorators';
import { TotpSecretUnreadableException } from './identity.exception';
import { hashPassword, verifyPassword } from './password-hash';
import { SecretBoxError } from './secret-box';
import { StaffSessionEntity } from './staff-session.entity';
import { StaffEntity } from './staff.entity';
import { TotpKeyService } from './totp-key.service';
import { matchTotp } from './totp';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

export type TotpVerdict = 'accepted' | 'wrong' | 'replayed';

/** The audit actor for a signed-in staff member. */
export function actorOf(principal: Pick<StaffPrincipal, 'id' | 'role'>): { type: 'staff'; id: string; role: string } {
  return { type: 'staff', id: principal.id, role: principal.role };
}

/**
 * The credential checks every staff flow shares: password verification, the failure count and
 * lockout, TOTP codes with replay protection, and session revocation.
 */
@Injectable()
export class StaffCredentialsService {
  private readonly logger = new Logger('Identity');
  // A real hash to verify against when there is no password to check, so timing reveals nothing.
  private readonly dummyHash = hashPassword(randomBytes(16).toString('hex'));

  constructor(
    @InjectRepository(StaffEntity) private readonly staff: Repository<StaffEntity>,
    private readonly totpKeys: TotpKeyService,
  ) {}

  /** The member holding this address (any case), with the secret columns (password hash, TOTP), which never leave this module. */
  findByEmailWithSecrets(email: string): Promise<StaffEntity | null> {
    return this.withSecrets(this.staff.createQueryBuilder('s')).where('s.email = :email', { email: email.trim().toLowerCase() }).getOne();
  }

  /** The member with secret columns, locked for the caller's transaction when a manager is given. */
  getWithSecrets(id: string, manager?: EntityManager): Promise<StaffEntity | null> {
    const qb = this.withSecrets((manager ? manager.getRepository(StaffEntity) : this.staff).createQueryBuilder('s')).where('s.id = :id', { id });
    if (manager) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** Whether the password matches; a member without a password is checked against a dummy hash (same time, false). */
  async passwordMatches(hash: string | null, password: string): Promise<boolean> {
    if (hash === null) {
      await verifyPassword(await this.dummyHash, password);
      return false;
    }
    return verifyPassword(hash, password);
  }

  /** Seconds left on a lockout, or 0 when sign-in is allowed. */
  lockedForSeconds(member: Pick<StaffEntity, 'lockedUntil'>, now: Date): number {
    return member.lockedUntil && member.lockedUntil > now ? (member.lockedUntil.getTime() - now.getTime()) / 1000 : 0;
  }

  /** Counts a failed password or code; the fifth in a row locks sign-in for 15 minutes. */
  async countFailure(staffId: string, now: Date, manager: EntityManager): Promise<void> {
    // One statement, so concurrent failures cannot lose a count.
    await manager.query(
      `UPDATE staff SET failed_login_count = failed_login_count + 1,
         locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
       WHERE id = $1`,
      [staffId, MAX_FAILED_LOGINS, new Date(now.getTime() + LOCKOUT_MINUTES * 60_000)],
    );
  }

  /**
   * Checks a code against the member's confirmed TOTP secret and, when it matches, claims its time
   * step in one conditional update, so a code (or an earlier one) accepted once is refused after,
   * even by a concurrent request.
   */
  async checkTotp(member: Pick<StaffEntity, 'id' | 'totpSecret'>, code: string, now: Date): Promise<TotpVerdict> {
    if (!member.totpSecret) return 'wrong';
    const step = matchTotp(this.openTotpSecret(member.id, member.totpSecret), code, now.getTime());
    if (step === null) return 'wrong';
    const claimed: unknown[] = await this.staff.query(
      `UPDATE staff SET totp_last_step = $2 WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id`,
      [member.id, step],
    );
    // node-postgres answers UPDATE … RETURNING as [rows, count] through TypeORM's query().
    const rows = Array.isArray(claimed[0]) ? (claimed[0] as unknown[]) : claimed;
    return rows.length > 0 ? 'accepted' : 'replayed';
  }

  /** The plaintext secret of a sealed TOTP secret; an unreadable one (the key changed) is reported, never guessed around. */
  openTotpSecret(staffId: string, sealed: Buffer): Buffer {
    try {
      return this.totpKeys.open(staffId, sealed);
    } catch (err) {
      if (!(err instanceof SecretBoxError)) throw err;
      this.logger.error({ staffId }, 'a staff TOTP secret does not decrypt with TOTP_ENCRYPTION_KEY; an admin must turn two-step sign-in off for this member');
      throw new TotpSecretUnreadableException();
    }
  }

  /** Revokes the member's open sessions (all, or all but one); returns how many. */
  async revokeSessions(staffId: string, manager: EntityManager, keepSessionId?: string): Promise<number> {
    const where = keepSessionId ? { staffId, revokedAt: IsNull(), id: Not(keepSessionId) } : { staffId, revokedAt: IsNull() };
    const result = await manager.getRepository(StaffSessionEntity).update(where, { revokedAt: new Date() });
    return result.affected ?? 0;
  }

  private withSecrets<T extends { addSelect(selection: string): T }>(qb: T): T {
    return qb.addSelect('s.passwordHash').addSelect('s.totpSecret').addSelect('s.totpPendingSecret').addSelect('s.totpLastStep');
  }
}
