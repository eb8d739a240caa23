import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Column, Entity, PrimaryColumn, ValueTransformer } from 'typeorm';
import { AUDIT_ACTOR_TYPES, AuditActorType, JsonValue } from './audit-entry';

const bigintAsNumber: ValueTransformer = { to: (v: number) => v, from: (v: string | null) => (v === null ? v : Number(v)) };
const bytesAsBase64: ValueTransformer = { to: (v: string | null) => (v === null ? v : Buffer.from(v, 'base64')), from: (v: Buffer | null) => (v === null ? v : v.toString('base64')) };
const bytesAsHex: ValueTransformer = { to: (v: string) => Buffer.from(v, 'hex'), from: (v: Buffer | null) => (v === null ? v : v.toString('hex')) };

/**
 * One audit log entry, as the console reads it. Read-only: entries are written only by
 * AuditAppender (which links them into the hash chain), and PostgreSQL refuses changes.
 */
@Entity({ name: 'audit_log' })
export class AuditLogEntity {
  @ApiProperty({ format: 'uuid' })
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @ApiProperty({ description: 'Position in the hash chain: 1, 2, 3, … with no gaps.' })
  @Column({ type: 'bigint', transformer: bigintAsNumber })
  sequence!: number;

  @ApiProperty({ format: 'date-time' })
  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @ApiProperty({ enum: AUDIT_ACTOR_TYPES })
  @Column({ name: 'actor_type', type: 'text' })
  actorType!: AuditActorType;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Column({ name: 'actor_id', type: 'text', nullable: true })
  actorId!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Column({ name: 'actor_role', type: 'text', nullable: true })
  actorRole!: string | null;

  @ApiProperty({ example: 'staff.login' })
  @Column({ type: 'text' })
  action!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Column({ name: 'subject_type', type: 'text', nullable: true })
  subjectType!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Column({ name: 'subject_id', type: 'text', nullable: true })
  subjectId!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true })
  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId!: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'Client address (personal data). For an end user\'s own actions (format 2) it is opened from ipSealed with their data key, and null once erasure destroyed the key; the hash then covers ip = null and ipSealed.',
  })
  @Column({ type: 'text', nullable: true })
  ip!: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'byte', description: 'The address sealed with the end user\'s data key (base64), exactly as hashed; null when the address is stored clear or not at all.' })
  @Column({ name: 'ip_sealed', type: 'bytea', nullable: true, transformer: bytesAsBase64 })
  ipSealed!: string | null;

  @ApiProperty({ enum: [1, 2], description: 'Canonical format the hash covers (docs/audit-log.md).' })
  @Column({ name: 'format_version', type: 'smallint' })
  formatVersion!: number;

  @ApiProperty({ type: 'object', additionalProperties: true })
  @Column({ type: 'json' })
  details!: { [key: string]: JsonValue };

  @ApiProperty({ description: 'SHA-256 of the previous entry, hex (64 zeros for the first entry).' })
  @Column({ name: 'prev_hash', type: 'bytea', transformer: bytesAsHex })
  prevHash!: string;

  @ApiProperty({ description: 'SHA-256(prev_hash ‖ canonical entry), hex.' })
  @Column({ type: 'bytea', transformer: bytesAsHex })
  hash!: string;
}
