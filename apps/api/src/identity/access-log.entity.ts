import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DeviceType } from './user-agent';

export const ACCESS_EVENTS = ['login', 'api_session'] as const;
/** `login`: a sign-in; `api_session`: use of the API with a session, at most once an hour per session. */
export type AccessEvent = (typeof ACCESS_EVENTS)[number];

/**
 * Device and browser data of end users' sign-ins and API use (personal data: IP and user agent),
 * kept for compatibility and security review under its own short retention. The IP and the raw user
 * agent are sealed with the user's data key (decision 020); the coarse device type, browser family
 * and OS family stay in clear.
 */
@Entity({ name: 'access_log' })
export class AccessLogEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId!: string | null;

  @Column({ type: 'text' })
  event!: AccessEvent;

  /** Legacy clear IP of rows written before decision 020; sealed and cleared at start (IdentityBackfillService). */
  @Column({ type: 'inet', nullable: true, select: false })
  ip?: string | null;

  /** Legacy clear user agent, as `ip`. */
  @Column({ name: 'user_agent', type: 'text', nullable: true, select: false })
  userAgent?: string | null;

  /** The client IP sealed with the user's data key, context `access_log.ip:<id>`. */
  @Column({ name: 'ip_sealed', type: 'bytea', nullable: true })
  ipSealed!: Buffer | null;

  /** The raw User-Agent header sealed with the user's data key, context `access_log.user_agent:<id>`. */
  @Column({ name: 'user_agent_sealed', type: 'bytea', nullable: true })
  userAgentSealed!: Buffer | null;

  @Column({ name: 'device_type', type: 'text' })
  deviceType!: DeviceType;

  @Column({ type: 'text', nullable: true })
  browser!: string | null;

  @Column({ type: 'text', nullable: true })
  os!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
