import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, Matches, ValidateBy, ValidationOptions } from 'class-validator';
import { normalizeRecipient } from '../../notifications/outgoing-message';
import { ACCOUNT_STATUSES } from '../user.entity';
import { CODE_FORMAT } from '../verification-code';

/** Addresses are compared and stored in lower case. */
export const normalizeEmailInput = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim().toLowerCase() : value);
const stripSpaces = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.replace(/\s+/g, '') : value);

/** One plain address that the outbox can deliver to (the same rule the outbox applies). */
export function IsDeliverableEmail(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isDeliverableEmail',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && normalizeRecipient(value) !== undefined,
        defaultMessage: (args) => `${args?.property ?? 'email'} must be one email address, such as name@example.com`,
      },
    },
    options,
  );
}

export class LoginCodeRequestDto {
  @ApiProperty({ example: 'alice@example.test', description: 'Where to send the code. Case does not matter.' })
  @Transform(normalizeEmailInput)
  @IsDeliverableEmail()
  email!: string;
}

export class CodeSentDto {
  @ApiProperty({ example: 'If this address can receive email, a 6-digit code is on its way. It works for 10 minutes.' })
  message!: string;

  @ApiProperty({ example: 600 })
  expiresInSeconds!: number;
}

export class VerifyLoginDto {
  @ApiProperty({ example: 'alice@example.test' })
  @Transform(normalizeEmailInput)
  @IsDeliverableEmail()
  email!: string;

  @ApiProperty({ example: '482913', description: 'The 6 digits from the email (spaces are ignored).' })
  @Transform(stripSpaces)
  @IsString()
  @Matches(CODE_FORMAT, { message: 'code must be the 6 digits from the email' })
  code!: string;

  @ApiPropertyOptional({ description: 'Required (true) on the first sign-in, which creates the account: Soar2 AI is not for children under 13.' })
  @IsOptional()
  @IsBoolean({ message: 'ageConfirmed13Plus must be true or false' })
  ageConfirmed13Plus?: boolean;
}

export class UserProfileDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) displayName!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'US-CA', description: 'ISO 3166-1 alpha-2 country, EU, or a US state (US-CA).' }) region!: string | null;
  @ApiProperty({ enum: ACCOUNT_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: Date;
}

export class SignInResultDto {
  @ApiProperty({ description: 'Bearer token for the public API (ut_…).' }) token!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ description: 'True when this sign-in created the account.' }) accountCreated!: boolean;
  @ApiProperty({ type: UserProfileDto }) user!: Partial<UserProfileDto>;
}
