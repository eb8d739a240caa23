import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DENIAL_REASONS, REGIMES, REQUESTER_TYPES, REQUEST_STATUSES, REQUEST_TYPES } from '@soar2/privacy';
import { Transform, TransformFnParams, Type } from 'class-transformer';
import { IsIn, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { IsDeliverableEmail, normalizeEmailInput } from '../../identity/dto/user-sign-in.dto';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
const NO_CONTROL = /^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|\n)*$/u;

/** Fields a correction request may propose (the profile fields the user owns). */
export class ProposedChangesDto {
  @ApiPropertyOptional({ maxLength: 80 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 80)
  displayName?: string;

  @ApiPropertyOptional({ example: 'FR', description: 'A region code (see PUT /v1/me).' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(2, 6)
  region?: string;
}

export class ParentEvidenceDto {
  @ApiProperty({ example: 'signed_consent_form', description: 'How the parent is verified as the parent (COPPA §312.5(b)): signed_consent_form, card_transaction, government_id, video_call, knowledge_based.' })
  @IsIn(['signed_consent_form', 'card_transaction', 'government_id', 'video_call', 'knowledge_based'])
  method!: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'A reference to the evidence (form id, transaction id); no ID numbers.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  @Matches(NO_CONTROL)
  reference?: string;
}

export class CreatePrivacyRequestDto {
  @ApiProperty({ enum: REQUEST_TYPES })
  @IsIn(REQUEST_TYPES)
  type!: string;

  @ApiPropertyOptional({ example: 'alice@example.test', description: 'The requester’s address (required without a token; ignored for a signed-in self request, which uses the account’s).' })
  @IsOptional()
  @Transform(normalizeEmailInput)
  @IsDeliverableEmail()
  email?: string;

  @ApiPropertyOptional({ enum: REGIMES, description: 'Derived from the region when absent.' })
  @IsOptional()
  @IsIn(REGIMES)
  regulation?: string;

  @ApiPropertyOptional({ example: 'US-CA', description: 'Where the subject lives (ISO 3166-1 alpha-2, EU, or US-XX); the account’s region is used when known.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(2, 6)
  region?: string;

  @ApiPropertyOptional({ maxLength: 4000 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(4000)
  @Matches(NO_CONTROL, { message: 'details must not contain control characters' })
  details?: string;

  @ApiPropertyOptional({ enum: REQUESTER_TYPES, default: 'self' })
  @IsOptional()
  @IsIn(REQUESTER_TYPES)
  requesterType?: string;

  @ApiPropertyOptional({ description: 'Authorized agent: the consumer’s address; parent: the child’s account address.' })
  @IsOptional()
  @Transform(normalizeEmailInput)
  @IsDeliverableEmail()
  subjectEmail?: string;

  @ApiPropertyOptional({ type: ProposedChangesDto, description: 'Correction: the changes proposed.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProposedChangesDto)
  proposedChanges?: ProposedChangesDto;

  @ApiPropertyOptional({ type: ParentEvidenceDto, description: 'Parent (COPPA): how the parent is verified.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ParentEvidenceDto)
  parentEvidence?: ParentEvidenceDto;
}

export class VerifyPrivacyRequestDto {
  @ApiProperty({ example: '123456' })
  @Transform(({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.replace(/\s+/g, '') : value))
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits from the email' })
  code!: string;
}

export class PrivacyMessageDto {
  @ApiProperty({ minLength: 1, maxLength: 4000 })
  @Transform(trim)
  @IsString()
  @Length(1, 4000)
  @Matches(NO_CONTROL, { message: 'body must not contain control characters' })
  body!: string;
}

export class ReasonDto {
  @ApiProperty({ minLength: 3, maxLength: 2000 })
  @Transform(trim)
  @IsString()
  @Length(3, 2000)
  @Matches(NO_CONTROL, { message: 'reason must not contain control characters' })
  reason!: string;
}

export class DenyDto {
  @ApiProperty({ enum: DENIAL_REASONS })
  @IsIn(DENIAL_REASONS)
  reasonCode!: string;

  @ApiProperty({ minLength: 3, maxLength: 2000, description: 'Told to the requester, with their right to complain.' })
  @Transform(trim)
  @IsString()
  @Length(3, 2000)
  @Matches(NO_CONTROL, { message: 'text must not contain control characters' })
  text!: string;
}

export class AssignDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'The staff member; absent = yourself.' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
}

export class ApproveDto {
  @ApiPropertyOptional({ type: ProposedChangesDto, description: 'Correction: the changes to apply as reviewed (default: as proposed).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ProposedChangesDto)
  changes?: ProposedChangesDto;
}

export class TimelineEntryDto {
  @ApiProperty({ format: 'date-time' }) at!: Date;
  @ApiProperty() kind!: string;
  @ApiPropertyOptional({ enum: REQUEST_STATUSES, nullable: true }) status!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) message!: string | null;
  @ApiProperty({ enum: ['you', 'privacy_team', 'system'] }) by!: string;
}

export class PrivacyRequestViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: REQUEST_TYPES }) type!: string;
  @ApiProperty({ enum: REQUESTER_TYPES }) requesterType!: string;
  @ApiProperty({ enum: REQUEST_STATUSES }) status!: string;
  @ApiProperty({ enum: REGIMES, isArray: true }) regimes!: string[];
  @ApiProperty({ format: 'date-time' }) receivedAt!: Date;
  @ApiProperty({ format: 'date-time' }) dueAt!: Date;
  @ApiProperty({ description: 'Whether the deadline was extended (once).' }) extended!: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Why the clock is stopped, while it is.' }) clockStopped!: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'The open request this one was linked to.' }) duplicateOf!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Access/portability: until when the emailed download link works (the link itself is only in the email).' })
  downloadLinkExpiresAt!: string | null;
  @ApiProperty({ type: [TimelineEntryDto] }) timeline!: TimelineEntryDto[];
}

export class PrivacyRequestCreatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: REQUEST_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) dueAt!: Date;
  @ApiPropertyOptional({ description: 'Without a token only: the secret that opens this request’s status page (X-Privacy-Request-Token). Shown once.' })
  accessToken?: string;
  @ApiPropertyOptional({ description: 'True when a signed-in submission repeats an open request: this is that request.' })
  duplicate?: boolean;
}
