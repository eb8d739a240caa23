import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsNumberString, IsOptional, Max, Min } from 'class-validator';
import { CREDIT_ENTRY_KINDS } from '../credit-rules';

export class CreditSummaryDto {
  @ApiProperty({ description: 'Sum of settled entries.' }) balance!: number;
  @ApiProperty({ description: 'Credits held by running jobs.' }) held!: number;
  @ApiProperty({ description: 'balance − held.' }) available!: number;
}

export class CreditEntryDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'Ledger order.' }) seq!: number;
  @ApiProperty({ enum: CREDIT_ENTRY_KINDS }) kind!: string;
  @ApiProperty({ description: 'Change to the balance.' }) amount!: number;
  @ApiProperty({ description: 'Change to the held credits.' }) heldDelta!: number;
  @ApiPropertyOptional({ nullable: true }) holdId!: string | null;
  @ApiPropertyOptional({ nullable: true }) referenceType!: string | null;
  @ApiPropertyOptional({ nullable: true }) referenceId!: string | null;
  @ApiProperty() reason!: string;
  @ApiPropertyOptional({ nullable: true }) expiresAt!: string | null;
  @ApiProperty() createdAt!: string;
}

export class CreditHistoryDto {
  @ApiProperty({ type: CreditEntryDto, isArray: true }) items!: CreditEntryDto[];
  @ApiPropertyOptional({ nullable: true, description: 'Pass as `before` to get the next (older) page.' }) nextCursor!: string | null;
}

export class CreditHistoryQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  before?: string;
}
