import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { TOTP_CODE_FORMAT } from '../totp';

export class StaffLoginDto {
  @ApiProperty({ example: 'admin@soar2.local' })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200, { message: 'password is required' })
  password!: string;

  @ApiPropertyOptional({ description: 'The 6-digit code of the authenticator app, for staff with two-step sign-in (spaces are ignored).' })
  @IsOptional()
  @Transform(({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.replace(/\s+/g, '') : value))
  @IsString({ message: 'totp must be the 6 digits shown by the authenticator app' })
  @Matches(TOTP_CODE_FORMAT, { message: 'totp must be the 6 digits shown by the authenticator app' })
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
