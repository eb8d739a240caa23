import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { abilityFor } from '../authz/ability';
import { ValidationFailedException } from '../errors/domain.exception';
import { NotificationsService } from '../notifications/notifications.service';
import { AccessLogService } from './access-log.service';
import type { ClientInfo } from './client-info';
import {
  AccountUnavailableException,
  CodeAlreadyUsedException,
  CodeAttemptsExceededException,
  CodeExpiredException,
  InvalidCodeException,
} from './identity.exception';
import { CODE_VERIFY_PER_IP, LOGIN_CODE_PER_EMAIL, LOGIN_CODE_PER_IP, clientNetworkKey } from './rate-limit';
import { RateLimitService } from './rate-limit.service';
import { SIGNED_IN_STATES, UserAuthService } from './user-auth.service';
import { UserProfile, profileFor } from './user-profile';
import type { UserEntity } from './user.entity';
import { UsersService } from './users.service';
import type { CodeVerdict } from './verification-code';
import { CODE_TTL_SECONDS } from './verification-code';
import { VerificationCodesService } from './verification-codes.service';

export const AGE_CONFIRMATION_REQUIRED =
  'Confirm that you are 13 or older to create an account: Soar2 AI is not for children under 13, so no account is created without this confirmation.';

export interface CodeSent {
  message: string;
  expiresInSeconds: number;
}

export interface SignInResult {
  token: string;
  expiresAt: string;
  accountCreated: boolean;
  user: UserProfile;
}

type VerifyOutcome =
  | { kind: 'refused'; verdict: Exclude<CodeVerdict, 'accepted'> }
  | { kind: 'age_confirmation_required' }
  | { kind: 'unavailable' }
  | { kind: 'signed_in'; user: UserEntity; created: boolean; token: string; expiresAt: Date };

/** The same body for every address, whether or not it has an account. */
const CODE_SENT: CodeSent = {
  message: 'If this address can receive email, a 6-digit code is on its way. It works for 10 minutes.',
  expiresInSeconds: CODE_TTL_SECONDS,
};

/** Throws the exception of a refused code; `status` of INVALID_CODE depends on whether the code is the credential. */
export function throwForVerdict(verdict: Exclude<CodeVerdict, 'accepted'>, codeIsCredential: boolean): never {
  switch (verdict) {
    case 'invalid':
      throw new InvalidCodeException(codeIsCredential ? 401 : 400);
    case 'expired':
      throw new CodeExpiredException();
    case 'already_used':
      throw new CodeAlreadyUsedException();
    case 'attempts_exceeded':
      throw new CodeAttemptsExceededException();
  }
}

/**
 * End-user sign-in by emailed code. Asking for a code does the same work for every address (rate
 * limits, a code row, an email): the first sign-in creates the account, so no account lookup is
 * needed, and none is made, before a correct code is shown.
 */
@Injectable()
export class UserSignInService {
  private readonly logger = new Logger('Identity');

  constructor(
    private readonly dataSource: DataSource,
    private readonly codes: VerificationCodesService,
    private readonly rateLimits: RateLimitService,
    private readonly users: UsersService,
    private readonly sessions: UserAuthService,
    private readonly accessLog: AccessLogService,
    private readonly notifications: NotificationsService,
  ) {}

  async requestLoginCode(email: string, client: ClientInfo): Promise<CodeSent> {
    await this.rateLimits.hit([
      { rule: LOGIN_CODE_PER_IP, key: clientNetworkKey(client.ip) },
      { rule: LOGIN_CODE_PER_EMAIL, key: email },
    ]);
    await this.dataSource.transaction(async (manager) => {
      const { code } = await this.codes.issue('login', email, null, manager);
      await this.notifications.enqueue(
        {
          kind: 'auth.login_code',
          class: 'service_critical',
          to: email,
          subject: 'Your Soar2 sign-in code',
          text: [
            `Your Soar2 sign-in code is ${code}`,
            '',
            'Enter it in Soar2 to sign in. It works once, for 10 minutes; asking for another code makes this one stop working.',
            '',
            'If you did not ask to sign in, you can ignore this email: nobody can sign in without the code.',
          ].join('\n'),
          sensitive: true,
        },
        manager,
      );
    });
    return CODE_SENT;
  }

  async verify(email: string, code: string, ageConfirmed13Plus: boolean | undefined, client: ClientInfo): Promise<SignInResult> {
    await this.rateLimits.hit([{ rule: CODE_VERIFY_PER_IP, key: clientNetworkKey(client.ip) }]);
    // Committed whatever the verdict, so that wrong attempts stay counted; refusals are thrown after.
    const outcome = await this.dataSource.transaction(async (manager): Promise<VerifyOutcome> => {
      const check = await this.codes.check({ purpose: 'login', email }, code, manager);
      if (check.verdict !== 'accepted' || !check.codeId) return { kind: 'refused', verdict: check.verdict === 'accepted' ? 'invalid' : check.verdict };
      let user = await this.users.findByEmailForUpdate(email, manager);
      let created = false;
      if (!user) {
        // The code stays unused: the person can answer again with the confirmation.
        if (ageConfirmed13Plus !== true) return { kind: 'age_confirmation_required' };
        ({ user, created } = await this.users.createOnFirstSignIn(email, manager));
      }
      await this.codes.consume(check.codeId, manager);
      if (!SIGNED_IN_STATES.includes(user.status)) return { kind: 'unavailable' };
      const session = await this.sessions.createSession(user.id, manager);
      await this.accessLog.record({ userId: user.id, sessionId: session.sessionId, event: 'login', client }, manager);
      return { kind: 'signed_in', user, created, token: session.token, expiresAt: session.expiresAt };
    });
    switch (outcome.kind) {
      case 'refused':
        return throwForVerdict(outcome.verdict, true);
      case 'age_confirmation_required':
        throw new ValidationFailedException({ ageConfirmed13Plus: AGE_CONFIRMATION_REQUIRED });
      case 'unavailable':
        throw new AccountUnavailableException();
      case 'signed_in':
        this.logger.log({ userId: outcome.user.id, accountCreated: outcome.created }, 'user signed in');
        return {
          token: outcome.token,
          expiresAt: outcome.expiresAt.toISOString(),
          accountCreated: outcome.created,
          user: profileFor(abilityFor({ kind: 'user', id: outcome.user.id }), outcome.user),
        };
    }
  }

  async logout(sessionId: string): Promise<void> {
    await this.sessions.revoke(sessionId, 'logout');
  }
}
