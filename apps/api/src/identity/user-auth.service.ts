import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import type { UserPrincipal } from './auth.decorators';
import { UnauthenticatedException } from './identity.exception';
import { USER_TOKEN_PREFIX, hashSessionToken, newSessionToken } from './session-token';
import { SessionRevokeReason, UserSessionEntity } from './user-session.entity';

/** Account states whose holders may still sign in and use their session. */
const SIGNED_IN_STATES = ['active', 'restricted', 'pending_deletion'];

/** End-user bearer sessions: issue, authenticate, revoke. Sign-in itself (emailed codes) builds on this. */
@Injectable()
export class UserAuthService {
  constructor(
    @InjectRepository(UserSessionEntity) private readonly sessions: Repository<UserSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Creates a session for a user (inside the caller's transaction when given) and returns its token. */
  async createSession(userId: string, manager?: EntityManager, now = new Date()): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
    const token = newSessionToken(USER_TOKEN_PREFIX);
    const expiresAt = new Date(now.getTime() + this.config.userSessionTtlDays * 86_400_000);
    const repo = manager ? manager.getRepository(UserSessionEntity) : this.sessions;
    const saved = await repo.save(repo.create({ userId, tokenHash: hashSessionToken(token), expiresAt }));
    return { token, sessionId: saved.id, expiresAt };
  }

  /** Resolves a bearer token to its user, or throws UNAUTHENTICATED (expired, revoked, or the account may not sign in). */
  async authenticate(token: string, now = new Date()): Promise<UserPrincipal> {
    if (!token.startsWith(USER_TOKEN_PREFIX)) throw new UnauthenticatedException('This endpoint needs an end-user token.');
    // One round trip: find the live session of an account that may sign in, and note when it was used.
    const rows: Array<{ session_id: string; user_id: string }> = await this.sessions.query(
      `WITH touched AS (
         UPDATE user_sessions us SET last_seen_at = $2
           FROM users u
          WHERE us.token_hash = $1 AND us.revoked_at IS NULL AND us.expires_at > $2
            AND u.id = us.user_id AND u.status = ANY($3)
          RETURNING us.id AS session_id, us.user_id)
       SELECT session_id, user_id FROM touched`,
      [hashSessionToken(token), now, SIGNED_IN_STATES],
    );
    const row = rows[0];
    if (!row) throw new UnauthenticatedException('The session has expired or was revoked; sign in again.');
    return { kind: 'user', id: row.user_id, sessionId: row.session_id };
  }

  async revoke(sessionId: string, reason: SessionRevokeReason): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** Revokes every open session of a user (termination, deletion, email change). */
  async revokeAll(userId: string, reason: SessionRevokeReason, manager?: EntityManager): Promise<number> {
    const repo = manager ? manager.getRepository(UserSessionEntity) : this.sessions;
    const result = await repo.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }
}
