import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';

export class StaffLoginDto {
  @ApiProperty({ example: 'admin@soar2.local' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200, { message: 'password is required' })
  password!: string;

  @ApiPropertyOptional({ description: 'Six-digit TOTP code, for staff with two-factor sign-in (identity issue).' })
  @IsOptional()
  @IsString()
  @Length(6, 6, { message: 'totp must be six digits' })
  totp?: string;
}

export class StaffSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ['admin', 'support_agent', 'privacy_officer', 'auditor'] }) role!: string;
}

export class StaffLoginResponseDto {
  @ApiProperty({ description: 'Bearer token for the console API' }) token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: StaffSummaryDto }) staff!: StaffSummaryDto;
  @ApiProperty({
    description: 'CASL rules (action, subject, fields?, conditions?, inverted?, reason?) for the console; see docs/permissions.md.',
    type: 'array',
    items: { type: 'object' },
  })
  rules!: object[];
}
