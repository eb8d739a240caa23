import { randomBytes } from 'node:crypto';
import { HttpStatus, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { ValidationFailedException } from '../errors/domain.exception';
import { NotificationsService } from '../notifications/notifications.service';
import type { StaffPrincipal } from './auth.decorators';
import {
  AccountLockedException,
  InvalidTotpException,
  TotpAlreadyEnabledException,
  TotpNotEnabledException,
  TotpNotPendingException,
  UnauthenticatedException,
} from './identity.exception';
import { StaffCredentialsService, actorOf } from './staff-credentials.service';
import { StaffEntity } from './staff.entity';
import { TotpKeyService } from './totp-key.service';
import { TOTP_SECRET_BYTES, base32Encode, matchTotp, otpauthUri } from './totp';

/** The issuer authenticator apps show beside the account. */
export const TOTP_ISSUER = 'Soar2 Back-Office';

export interface TotpSetup {
  secret: string;
  uri: string;
}

export interface TotpStatus {
  enabled: boolean;
  pending: boolean;
  enabledAt: string | null;
}

/**
 * Optional two-step sign-in for staff (TOTP, RFC 6238): set-up shows a new secret, which takes
 * effect once a code from it is confirmed. Secrets are stored sealed (TotpKeyService).
 */
@Injectable()
export class StaffTotpService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: StaffCredentialsService,
    private readonly totpKeys: TotpKeyService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
  ) {}

  async status(principal: StaffPrincipal): Promise<TotpStatus> {
    const member = await this.member(principal.id);
    return { enabled: member.totpSecret !== null, pending: member.totpPendingSecret !== null, enabledAt: member.totpEnabledAt?.toISOString() ?? null };
  }

  /** A new secret, pending until confirmed; a second set-up replaces the first. The secret is shown here only. */
  async setup(principal: StaffPrincipal): Promise<TotpSetup> {
    const secret = randomBytes(TOTP_SECRET_BYTES);
    const result = await this.dataSource
      .createQueryBuilder()
      .update(StaffEntity)
      .set({ totpPendingSecret: this.totpKeys.seal(principal.id, secret) })
      .where('id = :id AND totp_secret IS NULL', { id: principal.id })
      .execute();
    if (!result.affected) throw new TotpAlreadyEnabledException();
    return { secret: base32Encode(secret), uri: otpauthUri(secret, TOTP_ISSUER, principal.email) };
  }

  /** Turns two-step sign-in on with the pending secret, given a current code from it. */
  async confirm(principal: StaffPrincipal, code: string, now = new Date()): Promise<TotpStatus> {
    return this.dataSource.transaction(async (m) => {
      const member = await this.member(principal.id, m);
      if (member.totpSecret) throw new TotpAlreadyEnabledException();
      if (!member.totpPendingSecret) throw new TotpNotPendingException();
      const step = matchTotp(this.credentials.openTotpSecret(member.id, member.totpPendingSecret), code, now.getTime());
      if (step === null) throw new InvalidTotpException(HttpStatus.BAD_REQUEST);
      // The confirming code's step counts as used, so it cannot sign anyone in afterwards.
      await m.update(StaffEntity, { id: member.id }, { totpSecret: member.totpPendingSecret, totpPendingSecret: null, totpEnabledAt: now, totpLastStep: String(step) });
      await this.audit.record({ action: 'staff.totp_enable', actor: actorOf(principal), subject: { type: 'staff', id: member.id }, details: {} }, m);
      return { enabled: true, pending: false, enabledAt: now.toISOString() };
    });
  }

  /** Turns the caller's own two-step sign-in off; the password confirms it (a wrong one counts towards the lockout). */
  async disable(principal: StaffPrincipal, password: string, now = new Date()): Promise<void> {
    const member = await this.member(principal.id);
    if (!member.totpSecret) throw new TotpNotEnabledException();
    const lockedFor = this.credentials.lockedForSeconds(member, now);
    if (lockedFor > 0) throw new AccountLockedException(lockedFor);
    if (!(await this.credentials.passwordMatches(member.passwordHash, password))) {
      await this.dataSource.transaction(async (m) => {
        await this.credentials.countFailure(member.id, now, m);
        await this.audit.record(
          { action: 'staff.totp_disable', actor: actorOf(principal), subject: { type: 'staff', id: member.id }, details: { outcome: 'failure', reason: 'wrong_password' } },
          m,
        );
      });
      throw new ValidationFailedException({ password: 'The password is not correct.' });
    }
    await this.dataSource.transaction(async (m) => {
      await this.turnOff(member, 'self', m);
      await this.audit.record({ action: 'staff.totp_disable', actor: actorOf(principal), subject: { type: 'staff', id: member.id }, details: { outcome: 'success' } }, m);
    });
  }

  /**
   * Removes the member's TOTP secrets and tells them by email, in the caller's transaction (which
   * records the audit entry). `by`: the member themselves, or an admin (lost phone, changed key).
   */
  async turnOff(member: Pick<StaffEntity, 'id' | 'email'>, by: 'self' | 'admin', manager: EntityManager, now = new Date()): Promise<void> {
    await manager.update(StaffEntity, { id: member.id }, { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null });
    await this.notifications.enqueue(
      {
        kind: 'staff.totp_disabled',
        class: 'service_critical',
        to: member.email,
        subject: 'Two-step sign-in was turned off for your Soar2 Back-Office account',
        text: [
          `${by === 'self' ? 'You turned off' : 'An administrator turned off'} two-step sign-in (authenticator codes) for your Soar2 Back-Office account on ${now.toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
          'You now sign in with your password alone; you can set up an authenticator again under Security in the console.',
          '',
          'If you did not expect this, tell an administrator at once.',
        ].join('\n'),
      },
      manager,
    );
  }

  private async member(id: string, manager?: EntityManager): Promise<StaffEntity> {
    const member = await this.credentials.getWithSecrets(id, manager);
    if (!member) throw new UnauthenticatedException();
    return member;
  }
}
