import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsDateString, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { LEGAL_HOLD_SCOPES, LegalHoldScopeType } from '../legal-hold-scope';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
const NO_CONTROL = /^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|\n)*$/u;

export class LegalHoldDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: LEGAL_HOLD_SCOPES }) scopeType!: LegalHoldScopeType;
  @ApiProperty({ format: 'uuid', description: 'The held user, ticket or job.' }) scopeId!: string;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Case or matter reference.' }) reference!: string | null;
  @ApiProperty({ description: 'Who asked for the hold (counsel, authority).' }) requestedBy!: string;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) expiresAt!: Date | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) releasedAt!: Date | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) releasedBy!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) releaseReason!: string | null;
  @ApiProperty({ description: 'Neither released nor expired.' }) active!: boolean;
}

export class CreateLegalHoldDto {
  @ApiProperty({ enum: LEGAL_HOLD_SCOPES })
  @IsIn(LEGAL_HOLD_SCOPES, { message: `scopeType must be one of ${LEGAL_HOLD_SCOPES.join(', ')}` })
  scopeType!: LegalHoldScopeType;

  @ApiProperty({ format: 'uuid' })
  @IsUUID('all', { message: 'scopeId must be the id (UUID) of the user, ticket or job' })
  scopeId!: string;

  @ApiProperty({ minLength: 3, maxLength: 2000, example: 'Litigation hold: Doe v. Soar2, preserve all account records.' })
  @Transform(trim)
  @IsString()
  @Length(3, 2000, { message: 'reason must be 3 to 2000 characters long' })
  @Matches(NO_CONTROL, { message: 'reason must not contain control characters (other than line breaks) or text-direction overrides' })
  reason!: string;

  @ApiProperty({ maxLength: 200, example: 'Legal department (J. Smith)' })
  @Transform(trim)
  @IsString()
  @Length(1, 200, { message: 'requestedBy must be 1 to 200 characters long' })
  @Matches(NO_CONTROL, { message: 'requestedBy must not contain control characters' })
  requestedBy!: string;

  @ApiPropertyOptional({ maxLength: 200, example: 'CASE-2026-114' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 200, { message: 'reference must be 1 to 200 characters long' })
  reference?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Empty: no end date.' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: string;
}

/** Extends (or shortens) a hold, or rewords it; every change audited with before and after. */
export class UpdateLegalHoldDto {
  @ApiPropertyOptional({ minLength: 3, maxLength: 2000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(3, 2000, { message: 'reason must be 3 to 2000 characters long' })
  @Matches(NO_CONTROL, { message: 'reason must not contain control characters (other than line breaks) or text-direction overrides' })
  reason?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null: no end date.' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time or null' })
  expiresAt?: string | null;
}

export class ReleaseLegalHoldDto {
  @ApiProperty({ minLength: 3, maxLength: 2000, example: 'Matter settled; counsel confirmed release on 2026-11-20.' })
  @Transform(trim)
  @IsString()
  @Length(3, 2000, { message: 'reason must be 3 to 2000 characters long' })
  @Matches(NO_CONTROL, { message: 'reason must not contain control characters (other than line breaks) or text-direction overrides' })
  reason!: string;
}
