import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);

/** Every console action on a job carries a reason, kept in the audit log. */
export class GenerationActionDto {
  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Ticket T-1042: video failed, user charged.', description: 'Why; kept in the audit log. No email addresses.' })
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'reason must be 3 to 500 characters long' })
  @Matches(/^(?![\s\S]*[^\s@]+@[^\s@]+\.[^\s@]+)/, { message: 'reason must not contain an email address; refer to the ticket instead' })
  @Matches(/^(?:[^\p{Cc}\u202A-\u202E\u2066-\u2069]|\n)*$/u, { message: 'reason must not contain control characters (other than line breaks) or text-direction overrides' })
  reason!: string;
}
