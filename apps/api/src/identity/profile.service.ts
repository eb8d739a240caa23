import { Inject, Injectable, Logger } from '@nestjs/common';
import { maskEmail } from '@soar2/privacy';
import { DataSource } from 'typeorm';
import type { AppAbility } from '../authz/ability';
import { record } from '../authz/ability';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ValidationFailedException } from '../errors/domain.exception';
import { NotificationsService } from '../notifications/notifications.service';
import type { UserPrincipal } from './auth.decorators';
import type { ClientInfo } from './client-info';
import type { UpdateProfileDto } from './dto/profile.dto';
import { FieldNotEditableException, ForbiddenActionException } from './identity.exception';
import { CODE_VERIFY_PER_IP, EMAIL_CHANGE_PER_USER, clientNetworkKey } from './rate-limit';
import { RateLimitService } from './rate-limit.service';
import { UserAuthService } from './user-auth.service';
import { UserProfile, firstForbiddenField, profileFor } from './user-profile';
import { CodeSent, throwForVerdict } from './user-sign-in.service';
import type { UserEntity } from './user.entity';
import { UsersService } from './users.service';
import type { CodeVerdict } from './verification-code';
import { CODE_TTL_SECONDS } from './verification-code';
import { VerificationCodesService } from './verification-codes.service';

type EmailChangeOutcome = { kind: 'refused'; verdict: Exclude<CodeVerdict, 'accepted'> } | { kind: 'changed'; user: UserEntity };

/** An end user's own profile (GET/PATCH /v1/me) and the confirmed change of their sign-in address. */
@Injectable()
export class ProfileService {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly codes: VerificationCodesService,
    private readonly rateLimits: RateLimitService,
    private readonly sessions: UserAuthService,
    private readonly notifications: NotificationsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async get(principal: UserPrincipal, ability: AppAbility): Promise<UserProfile> {
    const user = await this.users.get(principal.id);
    if (!ability.can('read', record('User', user))) throw new ForbiddenActionException();
    return profileFor(ability, user);
  }

  async update(principal: UserPrincipal, ability: AppAbility, changes: UpdateProfileDto): Promise<UserProfile> {
    const fields = (Object.keys(changes) as Array<keyof UpdateProfileDto>).filter((k) => changes[k] !== undefined);
    const user = await this.dataSource.transaction(async (manager) => {
      const current = await this.users.getForUpdate(principal.id, manager);
      const forbidden = firstForbiddenField(ability, current, fields);
      if (forbidden) throw new FieldNotEditableException(forbidden);
      const patch = Object.fromEntries(fields.map((f) => [f, changes[f] ?? null])) as Partial<Pick<UserEntity, 'displayName' | 'region'>>;
      await this.users.updateProfile(current.id, patch, manager);
      return { ...current, ...patch };
    });
    return profileFor(ability, user);
  }

  /**
   * Sends a code to the new address. When another account holds that address, the answer is the
   * same, a code row is still written (so the work is the same), and the address's owner is told
   * instead of being sent a code; the change can then never be confirmed.
   */
  async requestEmailChange(principal: UserPrincipal, ability: AppAbility, newEmail: string, client: ClientInfo): Promise<CodeSent> {
    await this.rateLimits.hit([
      { rule: EMAIL_CHANGE_PER_USER, key: principal.id },
      { rule: CODE_VERIFY_PER_IP, key: clientNetworkKey(client.ip) },
    ]);
    await this.dataSource.transaction(async (manager) => {
      const user = await this.users.getForUpdate(principal.id, manager);
      // The address is not a freely editable field: it changes only through this confirmed flow.
      if (!ability.can('update', record('User', user))) throw new ForbiddenActionException();
      if (user.email === newEmail) throw new ValidationFailedException({ newEmail: 'This is already the email address of your account.' });
      const taken = await this.users.emailTaken(newEmail, manager);
      const { code } = await this.codes.issue('email_change', newEmail, user.id, manager);
      await this.notifications.enqueue(
        taken
          ? {
              kind: 'auth.email_change_address_in_use',
              class: 'service_critical',
              to: newEmail,
              subject: 'Someone tried to use this address for a Soar2 account',
              text: [
                'Someone asked to make this address the sign-in email of a Soar2 account.',
                'This address already belongs to a Soar2 account, so nothing was changed and nothing needs to be done.',
                '',
                'If that was you, sign in with this address instead.',
              ].join('\n'),
            }
          : {
              kind: 'auth.email_change_code',
              class: 'service_critical',
              to: newEmail,
              userId: user.id,
              subject: 'Confirm your new Soar2 email address',
              text: [
                `Your confirmation code is ${code}`,
                '',
                'Enter it in Soar2 to make this address the sign-in email of your account. It works once, for 10 minutes.',
                '',
                'If you did not ask for this, you can ignore this email: nothing changes without the code.',
              ].join('\n'),
              sensitive: true,
            },
        manager,
      );
    });
    return { message: 'A 6-digit code is on its way to the new address. It works for 10 minutes.', expiresInSeconds: CODE_TTL_SECONDS };
  }

  /** Applies a confirmed change: new address, other sessions signed out, the old address told. */
  async confirmEmailChange(principal: UserPrincipal, ability: AppAbility, code: string, client: ClientInfo): Promise<UserProfile> {
    await this.rateLimits.hit([{ rule: CODE_VERIFY_PER_IP, key: clientNetworkKey(client.ip) }]);
    const outcome = await this.dataSource.transaction(async (manager): Promise<EmailChangeOutcome> => {
      const check = await this.codes.check({ purpose: 'email_change', userId: principal.id }, code, manager);
      if (check.verdict !== 'accepted' || !check.codeId || !check.email) return { kind: 'refused', verdict: check.verdict === 'accepted' ? 'invalid' : check.verdict };
      const user = await this.users.getForUpdate(principal.id, manager);
      const oldEmail = user.email;
      await this.codes.consume(check.codeId, manager);
      // Taken (when the code was asked for, or since): refused like a wrong code, revealing nothing.
      if (!(await this.users.changeEmail(user.id, check.email, manager))) return { kind: 'refused', verdict: 'invalid' };
      const revoked = await this.sessions.revokeOthers(user.id, principal.sessionId, 'email_changed', manager);
      await this.notifications.enqueue(
        {
          kind: 'auth.email_changed',
          class: 'service_critical',
          to: oldEmail,
          userId: user.id,
          subject: 'The sign-in email of your Soar2 account was changed',
          text: [
            `The sign-in email of your Soar2 account was changed to ${maskEmail(check.email)} on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
            'Every other device signed in to the account has been signed out.',
            '',
            `If you did not make this change, contact Soar2 support at once (${this.config.publicUrl}) and report it as a security concern.`,
          ].join('\n'),
        },
        manager,
      );
      this.logger.log({ userId: user.id, sessionsRevoked: revoked }, 'user changed their sign-in email');
      return { kind: 'changed', user: { ...user, email: check.email } };
    });
    if (outcome.kind === 'refused') return throwForVerdict(outcome.verdict, false);
    return profileFor(ability, outcome.user);
  }
}
