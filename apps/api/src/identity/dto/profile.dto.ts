import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, TransformFnParams } from 'class-transformer';
import { IsOptional, IsString, Length, Matches, ValidateBy } from 'class-validator';
import { CODE_FORMAT } from '../verification-code';
import { parseRegion } from '../region';
import { IsDeliverableEmail, normalizeEmailInput } from './user-sign-in.dto';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
const regionInput = ({ value }: TransformFnParams): unknown => {
  if (typeof value !== 'string') return value;
  const r = parseRegion(value);
  return r.ok ? r.region : value;
};

function IsRegionCode(): PropertyDecorator {
  return ValidateBy({
    name: 'isRegionCode',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && parseRegion(value).ok,
      defaultMessage: (args) => {
        const r = typeof args?.value === 'string' ? parseRegion(args.value) : undefined;
        return r && !r.ok ? r.message : 'The region must be text such as FR, EU or US-CA';
      },
    },
  });
}

/** Only these fields can be changed here; anything else (status, email, id…) is refused as unknown (422). */
export class UpdateProfileDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 80, description: 'Null clears it.' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 80, { message: 'displayName must be 1 to 80 characters long (send null to clear it)' })
  // Bidirectional overrides can make a name read as something else in support tools.
  @Matches(/^[^\p{Cc}\u202A-\u202E\u2066-\u2069]*$/u, { message: 'displayName must not contain control characters or text-direction overrides' })
  displayName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'US-CA', description: 'ISO 3166-1 alpha-2 country code, EU, or a US state as US-XX; null clears it.' })
  @IsOptional()
  @Transform(regionInput)
  @IsRegionCode()
  region?: string | null;
}

export class EmailChangeRequestDto {
  @ApiProperty({ example: 'alice.new@example.test' })
  @Transform(normalizeEmailInput)
  @IsDeliverableEmail()
  newEmail!: string;
}

export class EmailChangeVerifyDto {
  @ApiProperty({ example: '482913', description: 'The 6 digits sent to the new address.' })
  @Transform(({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.replace(/\s+/g, '') : value))
  @IsString()
  @Matches(CODE_FORMAT, { message: 'code must be the 6 digits from the email' })
  code!: string;
}
