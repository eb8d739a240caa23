import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, IsNull, MoreThan, Not, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { AccessLogService } from './access-log.service';
import type { UserPrincipal } from './auth.decorators';
import type { ClientInfo } from './client-info';
import { UnauthenticatedException } from './identity.exception';
import { USER_TOKEN_PREFIX, hashSessionToken, newSessionToken } from './session-token';
import { SessionRevokeReason, UserSessionEntity } from './user-session.entity';
import type { AccountStatus } from './user.entity';

/** Account states whose holders may still sign in and use their session. */
export const SIGNED_IN_STATES: readonly AccountStatus[] = ['active', 'restricted', 'pending_deletion'];

/** API use of a session is written to the access log at most this often. */
export const ACCESS_LOG_INTERVAL_SECONDS = 3600;

/**
 * `user_sessions.last_seen_at` is written at most this often per session: it is accurate to this
 * many seconds. Requests in between only read the session (no row lock, no write).
 */
export const LAST_SEEN_RESOLUTION_SECONDS = 60;

/** End-user bearer sessions: issue, authenticate, revoke. Sign-in itself (emailed codes) builds on this. */
@Injectable()
export class UserAuthService {
  constructor(
    @InjectRepository(UserSessionEntity) private readonly sessions: Repository<UserSessionEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly accessLog: AccessLogService,
  ) {}

  /** Creates a session for a user (inside the caller's transaction when given) and returns its token. */
  async createSession(userId: string, manager?: EntityManager, now = new Date()): Promise<{ token: string; sessionId: string; expiresAt: Date }> {
    const token = newSessionToken(USER_TOKEN_PREFIX);
    const expiresAt = new Date(now.getTime() + this.config.userSessionTtlDays * 86_400_000);
    const repo = manager ? manager.getRepository(UserSessionEntity) : this.sessions;
    // The sign-in itself is logged by the caller, so the first hour of API use is not logged again.
    const saved = await repo.save(repo.create({ userId, tokenHash: hashSessionToken(token), expiresAt, accessLoggedAt: now }));
    return { token, sessionId: saved.id, expiresAt };
  }

  /**
   * Resolves a bearer token to its user, or throws UNAUTHENTICATED (expired, revoked, or the account
   * may not sign in). With the client's details, writes an `api_session` access-log entry when the
   * session has not been logged for an hour.
   */
  async authenticate(token: string, now = new Date(), client?: ClientInfo): Promise<UserPrincipal> {
    if (!token.startsWith(USER_TOKEN_PREFIX)) throw new UnauthenticatedException('This endpoint needs an end-user token.');
    // One round trip. Every request checks the session (revocation, expiry, account status) without
    // locking it; only when last_seen_at is older than LAST_SEEN_RESOLUTION_SECONDS, or the hourly
    // access-log entry is due, is the row locked and updated (the lock lets one of two concurrent
    // requests claim the entry: `locked` re-reads access_logged_at after waiting).
    const rows: Array<{ session_id: string; user_id: string; log_due: boolean }> = await this.sessions.query(
      `WITH live AS (
         SELECT us.id, us.user_id,
                us.last_seen_at IS NULL OR us.last_seen_at <= $2::timestamptz - make_interval(secs => $6)
                  OR ($5 AND (us.access_logged_at IS NULL OR us.access_logged_at <= $2::timestamptz - make_interval(secs => $4))) AS touch_due
           FROM user_sessions us JOIN users u ON u.id = us.user_id
          WHERE us.token_hash = $1 AND us.revoked_at IS NULL AND us.expires_at > $2::timestamptz AND u.status = ANY($3)),
       locked AS (
         SELECT us.id, us.access_logged_at,
                $5 AND (us.access_logged_at IS NULL OR us.access_logged_at <= $2::timestamptz - make_interval(secs => $4)) AS log_due
           FROM user_sessions us JOIN live ON live.id = us.id AND live.touch_due
            FOR UPDATE OF us),
       touched AS (
         UPDATE user_sessions us
            SET last_seen_at = GREATEST(us.last_seen_at, $2::timestamptz),
                access_logged_at = CASE WHEN locked.log_due THEN $2::timestamptz ELSE locked.access_logged_at END
           FROM locked
          WHERE us.id = locked.id
          RETURNING us.id, locked.log_due)
       SELECT live.id AS session_id, live.user_id, COALESCE(touched.log_due, false) AS log_due
         FROM live LEFT JOIN touched ON touched.id = live.id`,
      [hashSessionToken(token), now, SIGNED_IN_STATES, ACCESS_LOG_INTERVAL_SECONDS, client !== undefined, LAST_SEEN_RESOLUTION_SECONDS],
    );
    const row = rows[0];
    if (!row) throw new UnauthenticatedException('The session has expired or was revoked; sign in again.');
    if (row.log_due && client) await this.accessLog.record({ userId: row.user_id, sessionId: row.session_id, event: 'api_session', client });
    return { kind: 'user', id: row.user_id, sessionId: row.session_id };
  }

  /** Sessions of a user that still open the API (neither revoked nor expired). */
  countActive(userId: string, now = new Date()): Promise<number> {
    return this.sessions.countBy({ userId, revokedAt: IsNull(), expiresAt: MoreThan(now) });
  }

  async revoke(sessionId: string, reason: SessionRevokeReason): Promise<void> {
    await this.sessions.update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  }

  /** Revokes every open session of a user but one (after an email change, all but the one that made it). */
  async revokeOthers(userId: string, keepSessionId: string, reason: SessionRevokeReason, manager?: EntityManager): Promise<number> {
    const repo = manager ? manager.getRepository(UserSessionEntity) : this.sessions;
    const result = await repo.update({ userId, id: Not(keepSessionId), revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }

  /** Revokes every open session of a user (termination, deletion, email change). */
  async revokeAll(userId: string, reason: SessionRevokeReason, manager?: EntityManager): Promise<number> {
    const repo = manager ? manager.getRepository(UserSessionEntity) : this.sessions;
    const result = await repo.update({ userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return result.affected ?? 0;
  }
}
