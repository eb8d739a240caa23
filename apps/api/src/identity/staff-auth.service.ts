import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { PermissionRule, rulesFor } from '../authz/permissions';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AccountLockedException, InvalidCredentialsException, UnauthenticatedException } from './identity.exception';
import type { StaffPrincipal } from './auth.decorators';
import { StaffSessionEntity } from './staff-session.entity';
import { StaffEntity, StaffRole } from './staff.entity';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;
const TOKEN_PREFIX = 'st_';

export interface StaffLoginResult {
  token: string;
  expiresAt: string;
  staff: { id: string; email: string; displayName: string; role: StaffRole };
  /** The caller's CASL rules: the console hides what they forbid (the API enforces them regardless). */
  rules: PermissionRule[];
}

function hashToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Staff password sign-in (argon2id), lockout after repeated failures, revocable bearer sessions. */
@Injectable()
export class StaffAuthService {
  private readonly logger = new Logger(StaffAuthService.name);
  // A real hash to verify against when the email is unknown, so timing does not reveal accounts.
  private readonly dummyHash = StaffAuthService.hashPassword(randomBytes(16).toString('hex'));

  constructor(
    @InjectRepository(StaffEntity) private readonly staff: Repository<StaffEntity>,
    @InjectRepository(StaffSessionEntity) private readonly sessions: Repository<StaffSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  static hashPassword(password: string): Promise<string> {
    // argon2id (the library's default algorithm) with OWASP's recommended minimum cost.
    return argon2Hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
  }

  async login(email: string, password: string, now = new Date()): Promise<StaffLoginResult> {
    const member = await this.staff
      .createQueryBuilder('s')
      .addSelect('s.passwordHash')
      .where('s.email = :email', { email: email.trim().toLowerCase() })
      .getOne();
    if (!member) {
      await argon2Verify(await this.dummyHash, password).catch(() => false);
      await this.auditFailedLogin(email, undefined, 'unknown_account');
      throw new InvalidCredentialsException();
    }
    if (member.lockedUntil && member.lockedUntil > now) {
      await this.auditFailedLogin(email, member.id, 'account_locked');
      throw new AccountLockedException((member.lockedUntil.getTime() - now.getTime()) / 1000);
    }
    const ok = member.status === 'active' && (await argon2Verify(member.passwordHash, password).catch(() => false));
    if (!ok) {
      await this.staff.manager.transaction(async (m) => {
        await this.recordFailure(member.id, now, m);
        await this.auditFailedLogin(email, member.id, member.status === 'active' ? 'wrong_password' : 'account_disabled', m);
      });
      throw new InvalidCredentialsException();
    }
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const expiresAt = new Date(now.getTime() + this.config.staffSessionTtlHours * 3600_000);
    await this.staff.manager.transaction(async (m) => {
      await m.update(StaffEntity, { id: member.id }, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
      const session = await m.insert(StaffSessionEntity, { staffId: member.id, tokenHash: hashToken(token), expiresAt });
      const actor = { type: 'staff' as const, id: member.id, role: member.role };
      const details = { outcome: 'success', sessionId: String(session.identifiers[0]?.id) };
      await this.audit.record({ action: 'staff.login', actor, subject: { type: 'staff', id: member.id }, details }, m);
    });
    this.logger.log({ staffId: member.id, role: member.role }, 'staff signed in');
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      staff: { id: member.id, email: member.email, displayName: member.displayName, role: member.role },
      rules: rulesFor({ kind: 'staff', id: member.id, role: member.role }),
    };
  }

  /** Audits a refused sign-in without the email: a keyed hash of it lets attempts be correlated. */
  private async auditFailedLogin(email: string, staffId: string | undefined, reason: string, manager?: EntityManager): Promise<void> {
    const emailHash = await this.audit.pseudonymize(email.trim().toLowerCase());
    const subject = staffId ? { type: 'staff', id: staffId } : null;
    await this.audit.record({ action: 'staff.login', actor: { type: 'anonymous' }, subject, details: { outcome: 'failure', reason, emailHash } }, manager);
  }

  private async recordFailure(staffId: string, now: Date, manager: EntityManager): Promise<void> {
    // One statement, so concurrent failures cannot lose a count.
    await manager.query(
      `UPDATE staff SET failed_login_count = failed_login_count + 1,
         locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN $3::timestamptz ELSE locked_until END
       WHERE id = $1`,
      [staffId, MAX_FAILED_LOGINS, new Date(now.getTime() + LOCKOUT_MINUTES * 60_000)],
    );
  }

  /** Resolves a bearer token to the staff member, or throws UNAUTHENTICATED. */
  async authenticate(token: string, now = new Date()): Promise<StaffPrincipal> {
    if (!token.startsWith(TOKEN_PREFIX)) throw new UnauthenticatedException('The token is not a staff token.');
    const rows: Array<{ session_id: string; id: string; email: string; role: StaffRole }> = await this.sessions.query(
      `SELECT ss.id AS session_id, s.id, s.email, s.role
         FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
        WHERE ss.token_hash = $1 AND ss.revoked_at IS NULL AND ss.expires_at > $2 AND s.status = 'active'`,
      [hashToken(token), now],
    );
    const row = rows[0];
    if (!row) throw new UnauthenticatedException('The session has expired or was revoked; sign in again.');
    return { kind: 'staff', id: row.id, email: row.email, role: row.role, sessionId: row.session_id };
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.manager.transaction(async (m) => {
      const revoked: Array<{ id: string; role: StaffRole }> = await m.query(
        `WITH r AS (UPDATE staff_sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL RETURNING staff_id)
         SELECT s.id, s.role FROM r JOIN staff s ON s.id = r.staff_id`,
        [sessionId],
      );
      const staff = revoked[0];
      if (!staff) return;
      const actor = { type: 'staff' as const, id: staff.id, role: staff.role };
      await this.audit.record({ action: 'staff.logout', actor, subject: { type: 'staff', id: staff.id }, details: { sessionId } }, m);
    });
  }
}
