import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager, IsNull, LessThan } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ValidationFailedException } from '../errors/domain.exception';
import { NotificationsService } from '../notifications/notifications.service';
import type { StaffPrincipal } from './auth.decorators';
import { AccountLockedException, PasswordLinkExpiredException, PasswordLinkInvalidException, UnauthenticatedException } from './identity.exception';
import { hashPassword } from './password-hash';
import { passwordProblem } from './password-policy';
import { hashSessionToken, newSessionToken } from './session-token';
import { StaffCredentialsService, actorOf } from './staff-credentials.service';
import { PasswordLinkPurpose, StaffPasswordLinkEntity } from './staff-password-link.entity';
import { StaffEntity } from './staff.entity';

export const PASSWORD_LINK_TTL_HOURS: Readonly<Record<PasswordLinkPurpose, number>> = { invite: 72, reset: 2 };
const LINK_TOKEN_PREFIX = 'sp_';
/** Used and expired links are kept this long (to answer "already used" rather than "unknown"), then deleted. */
export const ENDED_LINK_KEEP_DAYS = 7;

export interface PasswordLinkSent {
  message: string;
  expiresAt: string;
}

type LinkRecipient = Pick<StaffEntity, 'id' | 'email' | 'displayName'>;

const utc = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/**
 * Staff passwords: the emailed single-use links that set one (invitation, admin reset) and the
 * change of one's own password. Nobody but the member ever sees a staff password.
 */
@Injectable()
export class StaffPasswordService {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly dataSource: DataSource,
    private readonly credentials: StaffCredentialsService,
    private readonly audit: AuditService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Replaces the member's open links with a new one and queues the email holding it, in the
   * caller's transaction (the email exists exactly when the change that asked for it commits).
   */
  async issueLink(member: LinkRecipient, purpose: PasswordLinkPurpose, manager: EntityManager, now = new Date()): Promise<{ linkId: string; expiresAt: Date }> {
    const token = newSessionToken(LINK_TOKEN_PREFIX);
    const hours = PASSWORD_LINK_TTL_HOURS[purpose];
    const expiresAt = new Date(now.getTime() + hours * 3600_000);
    const links = manager.getRepository(StaffPasswordLinkEntity);
    await links.delete({ staffId: member.id, usedAt: IsNull() });
    const saved = await links.save(links.create({ staffId: member.id, tokenHash: hashSessionToken(token), purpose, expiresAt }));
    // In the URL fragment, so the token never reaches a server log or a Referer header.
    const url = `${this.config.publicUrl}/#/set-password?token=${token}`;
    const text =
      purpose === 'invite'
        ? [
            `Hello ${member.displayName},`,
            '',
            'An administrator created a Soar2 Back-Office account for you. Choose your password with this link:',
            '',
            url,
            '',
            `The link works once, until ${utc(expiresAt)} (${hours} hours). Then sign in to the console with this email address and your password.`,
            'If you did not expect this email, you can ignore it.',
          ]
        : [
            `Hello ${member.displayName},`,
            '',
            'An administrator reset the password of your Soar2 Back-Office account: your previous password no longer works, and you were signed out everywhere.',
            'Choose a new password with this link:',
            '',
            url,
            '',
            `The link works once, until ${utc(expiresAt)} (${hours} hours). If it runs out, ask an administrator for a new one.`,
          ];
    await this.notifications.enqueue(
      {
        kind: purpose === 'invite' ? 'staff.invitation' : 'staff.password_reset',
        class: 'service_critical',
        to: member.email,
        subject: purpose === 'invite' ? 'Your Soar2 Back-Office account' : 'Set a new password for the Soar2 Back-Office',
        text: text.join('\n'),
        // The body holds the link: the console never shows it and the worker removes it once sent.
        sensitive: true,
      },
      manager,
    );
    return { linkId: saved.id, expiresAt };
  }

  /** Sets the password of the link's member (who proves it by holding the link); the link then stops working. */
  async setWithLink(token: string, password: string, now = new Date()): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const link = await m.getRepository(StaffPasswordLinkEntity).findOne({ where: { tokenHash: hashSessionToken(token) }, lock: { mode: 'pessimistic_write' } });
      if (!link || link.usedAt) throw new PasswordLinkInvalidException();
      const member = await this.credentials.getWithSecrets(link.staffId, m);
      if (!member || member.status !== 'active') throw new PasswordLinkInvalidException();
      if (link.expiresAt <= now) throw new PasswordLinkExpiredException();
      // Refused before the link is spent, so the member can try another password with the same link.
      const problem = passwordProblem(password, member.email);
      if (problem) throw new ValidationFailedException({ password: problem });
      await m.update(StaffEntity, { id: member.id }, { passwordHash: await hashPassword(password), passwordChangedAt: now, failedLoginCount: 0, lockedUntil: null });
      await m.update(StaffPasswordLinkEntity, { id: link.id }, { usedAt: now });
      const revoked = await this.credentials.revokeSessions(member.id, m);
      await this.audit.record(
        {
          action: 'staff.password_set',
          actor: { type: 'staff', id: member.id, role: member.role },
          subject: { type: 'staff', id: member.id },
          details: { purpose: link.purpose, linkId: link.id, sessionsRevoked: revoked },
        },
        m,
      );
    });
  }

  /**
   * Changes the caller's own password. A wrong current password counts towards the sign-in lockout
   * (a stolen session must not be a way to guess it); the member's other sessions are signed out.
   */
  async change(principal: StaffPrincipal, currentPassword: string, newPassword: string, now = new Date()): Promise<void> {
    const member = await this.credentials.getWithSecrets(principal.id);
    if (!member) throw new UnauthenticatedException();
    const lockedFor = this.credentials.lockedForSeconds(member, now);
    if (lockedFor > 0) throw new AccountLockedException(lockedFor);
    const problem = passwordProblem(newPassword, member.email);
    if (problem) throw new ValidationFailedException({ newPassword: problem });
    if (!(await this.credentials.passwordMatches(member.passwordHash, currentPassword))) {
      await this.dataSource.transaction(async (m) => {
        await this.credentials.countFailure(member.id, now, m);
        await this.audit.record(
          { action: 'staff.password_change', actor: actorOf(principal), subject: { type: 'staff', id: member.id }, details: { outcome: 'failure', reason: 'wrong_password' } },
          m,
        );
      });
      throw new ValidationFailedException({ currentPassword: 'The current password is not correct.' });
    }
    if (newPassword === currentPassword) throw new ValidationFailedException({ newPassword: 'The new password must be different from the current one.' });
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (m) => {
      await m.update(StaffEntity, { id: member.id }, { passwordHash, passwordChangedAt: now, failedLoginCount: 0, lockedUntil: null });
      const revoked = await this.credentials.revokeSessions(member.id, m, principal.sessionId);
      await this.notifications.enqueue(
        {
          kind: 'staff.password_changed',
          class: 'service_critical',
          to: member.email,
          subject: 'Your Soar2 Back-Office password was changed',
          text: [
            `The password of your Soar2 Back-Office account was changed on ${utc(now)}. Your other sessions were signed out.`,
            '',
            'If you did not do this, tell an administrator at once: they can disable the account and send you a new password link.',
          ].join('\n'),
        },
        m,
      );
      await this.audit.record(
        { action: 'staff.password_change', actor: actorOf(principal), subject: { type: 'staff', id: member.id }, details: { outcome: 'success', sessionsRevoked: revoked } },
        m,
      );
    });
    this.logger.log({ staffId: member.id }, 'staff member changed their password');
  }

  /** Deletes links that were used or expired more than a week before `now`; returns how many. */
  async purge(now: Date): Promise<number> {
    const cutoff = new Date(now.getTime() - ENDED_LINK_KEEP_DAYS * 86_400_000);
    const links = this.dataSource.getRepository(StaffPasswordLinkEntity);
    const expired = await links.delete({ expiresAt: LessThan(cutoff) });
    const used = await links.delete({ usedAt: LessThan(cutoff) });
    return (expired.affected ?? 0) + (used.affected ?? 0);
  }
}
