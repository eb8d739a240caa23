import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { PermissionRule, rulesFor } from '../authz/permissions';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AccountLockedException, InvalidCredentialsException, InvalidTotpException, TotpRequiredException, UnauthenticatedException } from './identity.exception';
import type { StaffPrincipal } from './auth.decorators';
import { hashPassword } from './password-hash';
import { STAFF_TOKEN_PREFIX, hashSessionToken, newSessionToken } from './session-token';
import { StaffCredentialsService } from './staff-credentials.service';
import { StaffSessionEntity } from './staff-session.entity';
import { StaffEntity, StaffRole } from './staff.entity';

export interface StaffLoginResult {
  token: string;
  expiresAt: string;
  staff: { id: string; email: string; displayName: string; role: StaffRole };
  /** The caller's CASL rules: the console hides what they forbid (the API enforces them regardless). */
  rules: PermissionRule[];
}

type LoginFailureReason = 'unknown_account' | 'account_locked' | 'wrong_password' | 'password_not_set' | 'account_disabled' | 'totp_required' | 'wrong_totp' | 'totp_replayed';

/** Staff password sign-in (argon2id) with optional TOTP, lockout after repeated failures, revocable bearer sessions. */
@Injectable()
export class StaffAuthService {
  private readonly logger = new Logger(StaffAuthService.name);

  constructor(
    @InjectRepository(StaffEntity) private readonly staff: Repository<StaffEntity>,
    @InjectRepository(StaffSessionEntity) private readonly sessions: Repository<StaffSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly credentials: StaffCredentialsService,
  ) {}

  static hashPassword(password: string): Promise<string> {
    return hashPassword(password);
  }

  /**
   * Password first, then (when the member turned it on) the TOTP code: a missing code answers
   * TOTP_REQUIRED without counting a failure (the console then asks for it); a wrong or replayed
   * code counts towards the lockout like a wrong password.
   */
  async login(email: string, password: string, totp?: string, now = new Date()): Promise<StaffLoginResult> {
    const member = await this.credentials.findByEmailWithSecrets(email);
    if (!member) {
      await this.credentials.passwordMatches(null, password);
      await this.auditFailedLogin(email, undefined, 'unknown_account');
      throw new InvalidCredentialsException();
    }
    const lockedFor = this.credentials.lockedForSeconds(member, now);
    if (lockedFor > 0) {
      await this.auditFailedLogin(email, member.id, 'account_locked');
      throw new AccountLockedException(lockedFor);
    }
    const passwordOk = await this.credentials.passwordMatches(member.passwordHash, password);
    if (!passwordOk || member.status !== 'active') {
      const reason = member.status !== 'active' ? 'account_disabled' : member.passwordHash === null ? 'password_not_set' : 'wrong_password';
      await this.countFailedLogin(email, member.id, reason, now);
      throw new InvalidCredentialsException();
    }
    if (member.totpSecret) {
      if (totp === undefined) {
        await this.auditFailedLogin(email, member.id, 'totp_required');
        throw new TotpRequiredException();
      }
      const verdict = await this.credentials.checkTotp(member, totp, now);
      if (verdict !== 'accepted') {
        await this.countFailedLogin(email, member.id, verdict === 'replayed' ? 'totp_replayed' : 'wrong_totp', now);
        throw new InvalidTotpException();
      }
    }
    const token = newSessionToken(STAFF_TOKEN_PREFIX);
    const expiresAt = new Date(now.getTime() + this.config.staffSessionTtlHours * 3600_000);
    await this.staff.manager.transaction(async (m) => {
      await m.update(StaffEntity, { id: member.id }, { failedLoginCount: 0, lockedUntil: null, lastLoginAt: now });
      const session = await m.insert(StaffSessionEntity, { staffId: member.id, tokenHash: hashSessionToken(token), expiresAt });
      const actor = { type: 'staff' as const, id: member.id, role: member.role };
      const details = { outcome: 'success', sessionId: String(session.identifiers[0]?.id), totp: member.totpSecret !== null };
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

  private async countFailedLogin(email: string, staffId: string, reason: LoginFailureReason, now: Date): Promise<void> {
    await this.staff.manager.transaction(async (m) => {
      await this.credentials.countFailure(staffId, now, m);
      await this.auditFailedLogin(email, staffId, reason, m);
    });
  }

  /** Audits a refused sign-in without the email: a keyed hash of it lets attempts be correlated. */
  private async auditFailedLogin(email: string, staffId: string | undefined, reason: LoginFailureReason, manager?: EntityManager): Promise<void> {
    const emailHash = await this.audit.pseudonymize(email.trim().toLowerCase());
    const subject = staffId ? { type: 'staff', id: staffId } : null;
    await this.audit.record({ action: 'staff.login', actor: { type: 'anonymous' }, subject, details: { outcome: 'failure', reason, emailHash } }, manager);
  }

  /** Resolves a bearer token to the staff member, or throws UNAUTHENTICATED. */
  async authenticate(token: string, now = new Date()): Promise<StaffPrincipal> {
    if (!token.startsWith(STAFF_TOKEN_PREFIX)) throw new UnauthenticatedException('The token is not a staff token.');
    const rows: Array<{ session_id: string; id: string; email: string; role: StaffRole }> = await this.sessions.query(
      `SELECT ss.id AS session_id, s.id, s.email, s.role
         FROM staff_sessions ss JOIN staff s ON s.id = ss.staff_id
        WHERE ss.token_hash = $1 AND ss.revoked_at IS NULL AND ss.expires_at > $2 AND s.status = 'active'`,
      [hashSessionToken(token), now],
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
