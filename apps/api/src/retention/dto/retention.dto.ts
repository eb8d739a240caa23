import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { RETENTION_CATEGORIES } from '@soar2/privacy';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);

export class RetentionPolicyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RETENTION_CATEGORIES }) category!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Days kept after the anchor event.' }) keepDays!: number;
  @ApiProperty({ description: 'What starts the clock.' }) anchor!: string;
  @ApiProperty({ enum: ['erase', 'purge', 'delete', 'anonymise', 'archive'] }) action!: string;
  @ApiProperty() legalBasis!: string;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'A module sweeps this category (false: its data is not stored by an installed module yet).' }) sweepAvailable!: boolean;
  @ApiProperty({ format: 'date-time' }) updatedAt!: Date;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) updatedBy!: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastRunAt!: Date | null;
}

/** What a privacy officer may change: the period, whether it runs, and the wording. Every change audited. */
export class UpdateRetentionPolicyDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 36500 })
  @IsOptional()
  @IsInt({ message: 'keepDays must be a whole number of days' })
  @Min(0, { message: 'keepDays must be 0 or more' })
  @Max(36500, { message: 'keepDays must be at most 36500 (100 years)' })
  keepDays?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  enabled?: boolean;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'description must be 3 to 500 characters long' })
  description?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'legalBasis must be 3 to 500 characters long' })
  legalBasis?: string;
}

export class HeldExampleDto {
  @ApiProperty() recordId!: string;
  @ApiProperty({ format: 'uuid' }) holdId!: string;
  @ApiProperty() reason!: string;
}

export class RetentionPreviewDto {
  @ApiProperty({ format: 'uuid' }) policyId!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ format: 'date-time' }) cutoff!: Date;
  @ApiProperty({ description: 'Due records, held ones included.' }) matched!: number;
  @ApiProperty({ description: 'Due records that would go now.' }) wouldProcess!: number;
  @ApiProperty({ description: 'Due records kept by a legal hold.' }) held!: number;
  @ApiProperty({ type: [HeldExampleDto] }) heldExamples!: HeldExampleDto[];
}

export class RetentionRunDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) policyId!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) startedBy!: string | null;
  @ApiProperty({ enum: ['queued', 'running', 'completed', 'failed'] }) status!: string;
  @ApiProperty() keepDays!: number;
  @ApiProperty({ format: 'date-time' }) cutoff!: Date;
  @ApiProperty() matched!: number;
  @ApiProperty() deleted!: number;
  @ApiProperty() anonymised!: number;
  @ApiProperty() skippedOnHold!: number;
  @ApiProperty() errors!: number;
  @ApiProperty() batches!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) startedAt!: Date | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) finishedAt!: Date | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty({ description: 'Share of the due records handled so far, 0–100.' }) progress!: number;
}
