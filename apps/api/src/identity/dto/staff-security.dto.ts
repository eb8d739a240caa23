import { ApiProperty } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';
import { TOTP_CODE_FORMAT } from '../totp';

const stripSpaces = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.replace(/\s+/g, '') : value);

/** The token of a set-password link: `sp_` and 43 base64url characters (32 random bytes). */
export const PASSWORD_LINK_TOKEN_FORMAT = /^sp_[A-Za-z0-9_-]{43}$/;

// Lengths here only bound the input; the password rules (at least 12 characters, not the email…)
// are checked by the service so that their sentences come from one place (password-policy.ts).
export class ChangePasswordDto {
  @ApiProperty({ description: 'The password used to sign in today.' })
  @IsString({ message: 'Enter your current password' })
  @Length(1, 1000, { message: 'Enter your current password' })
  currentPassword!: string;

  @ApiProperty({ minLength: 12, maxLength: 200, description: 'At least 12 characters, not the email address, not the current password.' })
  @IsString({ message: 'Enter a new password' })
  @Length(1, 1000, { message: 'Enter a new password' })
  newPassword!: string;
}

export class SetPasswordDto {
  @ApiProperty({ description: 'The token from the emailed link (after `token=`).' })
  @IsString({ message: 'token must be the token from the emailed link' })
  @Matches(PASSWORD_LINK_TOKEN_FORMAT, { message: 'token must be the token from the emailed link' })
  token!: string;

  @ApiProperty({ minLength: 12, maxLength: 200 })
  @IsString({ message: 'Enter a password' })
  @Length(1, 1000, { message: 'Enter a password' })
  password!: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '492039', description: 'The 6-digit code the authenticator app shows now (spaces are ignored).' })
  @Transform(stripSpaces)
  @IsString({ message: 'code is required' })
  @Matches(TOTP_CODE_FORMAT, { message: 'code must be the 6 digits shown by the authenticator app' })
  code!: string;
}

export class TotpDisableDto {
  @ApiProperty({ description: 'The account password, to confirm.' })
  @IsString({ message: 'Enter a password' })
  @Length(1, 1000, { message: 'Enter a password' })
  password!: string;
}

export class TotpSetupDto {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'The shared secret in base32, to type into an authenticator app.' })
  secret!: string;

  @ApiProperty({ example: 'otpauth://totp/Soar2%20Back-Office:ada%40soar2.example?secret=…&issuer=Soar2%20Back-Office&algorithm=SHA1&digits=6&period=30' })
  uri!: string;
}

export class TotpStatusDto {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ description: 'A set-up was started and not yet confirmed with a code.' }) pending!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) enabledAt!: string | null;
}
