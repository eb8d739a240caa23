import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { MAX_CREDIT_AMOUNT } from '../../credits/credit-rules';

export const RETENTION_CLASSES = ['free', 'standard', 'extended'] as const;
const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);

export class PlanDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ description: 'Credits granted each paid month.' }) monthlyCredits!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) stripePriceId!: string | null;
  @ApiProperty({ enum: RETENTION_CLASSES, description: 'How long videos are kept (docs/billing.md).' }) retentionClass!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() sortOrder!: number;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: string;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: string;
}

export class PlanWriteDto {
  @ApiProperty({ minLength: 1, maxLength: 100 })
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 1000 })
  @IsOptional()
  @IsString()
  @Length(0, 1000)
  description?: string | null;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_CREDIT_AMOUNT)
  monthlyCredits!: number;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'price_1Pro' })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(/^price_[A-Za-z0-9_]+$/, { message: 'stripePriceId must be a Stripe price id (price_…)' })
  stripePriceId?: string | null;

  @ApiPropertyOptional({ enum: RETENTION_CLASSES, default: 'standard' })
  @IsOptional()
  @IsIn(RETENTION_CLASSES)
  retentionClass?: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  sortOrder?: number;
}

export class CheckoutDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  planId!: string;
}

export class StripeUrlDto {
  @ApiProperty() url!: string;
  @ApiPropertyOptional() sessionId?: string;
}

export class CreditAdjustmentDto {
  @ApiProperty({ description: 'Signed whole number of credits, not zero: positive adds, negative removes.' })
  @IsInt()
  @Min(-MAX_CREDIT_AMOUNT)
  @Max(MAX_CREDIT_AMOUNT)
  amount!: number;

  @ApiProperty({ minLength: 3, maxLength: 500, description: 'Why; shown in the ledger and the audit log.' })
  @Transform(trim)
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiPropertyOptional({ description: 'What it is about, e.g. ticket.' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_.-]{0,63}$/)
  referenceType?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  referenceId?: string;
}

export class CreditSettingsDto {
  @ApiProperty({ description: 'Largest adjustment (either way) a support agent may make at once.' })
  @IsInt()
  @Min(0)
  @Max(MAX_CREDIT_AMOUNT)
  supportAdjustmentLimit!: number;
}
