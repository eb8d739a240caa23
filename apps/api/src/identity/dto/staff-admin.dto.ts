import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { STAFF_ROLES, STAFF_STATUSES, StaffRole, StaffStatus } from '../staff.entity';
import { IsDeliverableEmail, normalizeEmailInput } from './user-sign-in.dto';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
// Bidirectional overrides can make a name read as something else in the console and the audit log.
const PRINTABLE = /^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u;

export class CreateStaffDto {
  @ApiProperty({ example: 'sam.support@soar2.example', description: 'Where the invitation (a link to choose a password) is sent. Case does not matter.' })
  @Transform(normalizeEmailInput)
  @IsDeliverableEmail()
  email!: string;

  @ApiProperty({ example: 'Sam Support', maxLength: 80 })
  @Transform(trim)
  @IsString({ message: 'displayName is required' })
  @Length(1, 80, { message: 'displayName must be 1 to 80 characters long' })
  @Matches(PRINTABLE, { message: 'displayName must not contain control characters or text-direction overrides' })
  displayName!: string;

  @ApiProperty({ enum: STAFF_ROLES })
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role!: StaffRole;
}

/** Only these fields can be changed; any other (email, id, password…) is refused as unknown (422). */
export class UpdateStaffDto {
  @ApiPropertyOptional({ example: 'Sam Support', maxLength: 80 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'displayName must be text' })
  @Length(1, 80, { message: 'displayName must be 1 to 80 characters long' })
  @Matches(PRINTABLE, { message: 'displayName must not contain control characters or text-direction overrides' })
  displayName?: string;

  @ApiPropertyOptional({ enum: STAFF_ROLES, description: 'Not on your own record (403 FIELD_NOT_EDITABLE). A change signs the member out everywhere.' })
  @IsOptional()
  @IsIn(STAFF_ROLES, { message: `role must be one of ${STAFF_ROLES.join(', ')}` })
  role?: StaffRole;

  @ApiPropertyOptional({ enum: STAFF_STATUSES, description: 'Not on your own record (403 FIELD_NOT_EDITABLE). Disabling signs the member out everywhere.' })
  @IsOptional()
  @IsIn(STAFF_STATUSES, { message: `status must be one of ${STAFF_STATUSES.join(', ')}` })
  status?: StaffStatus;
}

export class StaffDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: STAFF_ROLES }) role!: string;
  @ApiProperty({ enum: STAFF_STATUSES }) status!: string;
  @ApiProperty({ description: 'False while an invited member has not chosen a password, and after a reset.' }) passwordSet!: boolean;
  @ApiProperty({ description: 'Two-step sign-in (TOTP) is on.' }) totpEnabled!: boolean;
  @ApiProperty({ description: 'Sign-in is refused until lockedUntil after repeated failures.' }) locked!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lockedUntil!: string | null;
  @ApiProperty() failedLoginCount!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastLoginAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) passwordChangedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PasswordLinkSentDto {
  @ApiProperty({ example: 'A link to set a new password was emailed to the staff member. It works once, for 2 hours.' })
  message!: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}
