import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { ACCESS_EVENTS } from '../access-log.entity';
import { DEVICE_TYPES } from '../user-agent';
import { ACCOUNT_STATUSES } from '../user.entity';

export class AccessLogEntryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ACCESS_EVENTS }) event!: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Client IP address (personal data).' }) ip!: string | null;
  @ApiProperty({ enum: DEVICE_TYPES }) deviceType!: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Firefox 127' }) browser!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'Windows 10' }) os!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

/**
 * A user as the console shows it. Every field is optional: a field the caller's role may not read
 * is absent (docs/permissions.md). `activeSessions` and `accessLog` come with the detail only.
 */
export class UserAdminDto {
  @ApiPropertyOptional({ format: 'uuid' }) id?: string;
  @ApiPropertyOptional() email?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) displayName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'US-CA' }) region?: string | null;
  @ApiPropertyOptional({ enum: ACCOUNT_STATUSES }) status?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the user confirmed being 13 or older (privacy officers).' })
  ageConfirmedAt?: Date | null;
  @ApiPropertyOptional({ format: 'date-time' }) createdAt?: Date;
  @ApiPropertyOptional({ format: 'date-time' }) updatedAt?: Date;
  @ApiPropertyOptional({ description: 'Sessions neither revoked nor expired (detail only; privacy officers).' }) activeSessions?: number;
  @ApiPropertyOptional({ type: [AccessLogEntryDto], description: 'The latest sign-ins and API use, newest first (detail only; privacy officers).' })
  accessLog?: AccessLogEntryDto[];
}

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);

export class UserStatusChangeDto {
  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Art. 18 request PR-2026-0042: accuracy contested.', description: 'Why; kept in the audit log. No email addresses.' })
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'reason must be 3 to 500 characters long' })
  // The reason is stored in the audit log for years: refer to a request or ticket, not to an address.
  @Matches(/^(?![\s\S]*[^\s@]+@[^\s@]+\.[^\s@]+)/, { message: 'reason must not contain an email address; refer to the request or ticket instead' })
  @Matches(/^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|\n)*$/u, { message: 'reason must not contain control characters (other than line breaks) or text-direction overrides' })
  reason!: string;
}
