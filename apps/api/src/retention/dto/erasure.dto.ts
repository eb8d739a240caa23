import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
const NO_CONTROL = /^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|\n)*$/u;

export class ErasureStepDto {
  @ApiProperty({ example: 'generation.jobs' }) category!: string;
  @ApiProperty({ enum: ['done', 'failed'] }) state!: string;
  @ApiProperty() deleted!: number;
  @ApiProperty() anonymised!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) error!: string | null;
}

export class ErasureDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) requestId!: string | null;
  @ApiProperty({ description: 'COPPA child account: erased without grace.' }) child!: boolean;
  @ApiProperty({ enum: ['scheduled', 'waiting_on_hold', 'running', 'completed', 'canceled', 'failed'] }) status!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'date-time', description: 'End of the grace period: the erasure runs after this.' }) runAfter!: Date;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ enum: ['user', 'staff', 'system'] }) createdByType!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) createdById!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why it waits: the legal holds covering the account.' }) holdReason!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) startedAt!: Date | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) completedAt!: Date | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) canceledAt!: Date | null;
  @ApiProperty() attempts!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: [ErasureStepDto] }) steps!: ErasureStepDto[];
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) certificateId!: string | null;
}

export class DeletionCertificateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) erasureId!: string;
  @ApiProperty({ format: 'uuid' }) subjectId!: string;
  @ApiProperty({ description: 'Salted SHA-256 of the erased email; the email itself is not kept.' }) subjectEmailHash!: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) requestId!: string | null;
  @ApiProperty({ format: 'date-time' }) issuedAt!: Date;
  @ApiProperty() keyFingerprint!: string;
  @ApiProperty({ description: 'The signed certificate (JSON), as `npm run verify-certificate` checks it.' }) document!: Record<string, unknown>;
  @ApiProperty() pdfStorageKey!: string;
}

export class ScheduleErasureDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'userId must be the id (UUID) of an account' })
  userId!: string;

  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Deletion request PR-2026-0042 approved.' })
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'reason must be 3 to 500 characters long' })
  @Matches(NO_CONTROL, { message: 'reason must not contain control characters' })
  reason!: string;

  @ApiPropertyOptional({ description: 'COPPA child account (verified parent): erased at once, without grace.' })
  @IsOptional()
  @IsBoolean({ message: 'child must be true or false' })
  child?: boolean;
}

export class CancelErasureDto {
  @ApiProperty({ minLength: 3, maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'reason must be 3 to 500 characters long' })
  @Matches(NO_CONTROL, { message: 'reason must not contain control characters' })
  reason!: string;
}
