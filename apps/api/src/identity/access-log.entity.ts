import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DeviceType } from './user-agent';

export const ACCESS_EVENTS = ['login', 'api_session'] as const;
/** `login`: a sign-in; `api_session`: use of the API with a session, at most once an hour per session. */
export type AccessEvent = (typeof ACCESS_EVENTS)[number];

/**
 * Device and browser data of end users' sign-ins and API use (personal data: IP and user agent),
 * kept for compatibility and security review under its own short retention.
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

  @Column({ type: 'inet', nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent!: string | null;

  @Column({ name: 'device_type', type: 'text' })
  deviceType!: DeviceType;

  @Column({ type: 'text', nullable: true })
  browser!: string | null;

  @Column({ type: 'text', nullable: true })
  os!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
