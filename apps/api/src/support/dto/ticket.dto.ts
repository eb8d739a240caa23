import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { REQUEST_TYPES, RequestType } from '@soar2/privacy';
import { Transform, TransformFnParams } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateIf } from 'class-validator';
import { IsDeliverableEmail, normalizeEmailInput } from '../../identity/dto/user-sign-in.dto';
import { CODE_FORMAT } from '../../identity/verification-code';
import { GUEST_CATEGORIES, TICKET_CATEGORIES, TICKET_PRIORITIES, TICKET_STATUSES } from '../support-rules';

const trim = ({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.trim() : value);
/** Text is kept as typed (HTML included): it is stored as text and always shown escaped. Control characters other than newlines and tabs are refused. */
// eslint-disable-next-line no-control-regex
const PLAIN_TEXT = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]*$/u;
const PLAIN_TEXT_MESSAGE = 'must not contain control characters or text-direction overrides';

/** A required plain-text field of 1 to `max` characters: trimmed, no control characters or direction overrides. */
function PlainTextField(name: string, max: number, doc: ApiPropertyOptions = {}): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ maxLength: max, ...doc }),
    Transform(trim),
    IsString(),
    Length(1, max, { message: `${name} must be 1 to ${max} characters long` }),
    Matches(PLAIN_TEXT, { message: `${name} ${PLAIN_TEXT_MESSAGE}` }),
  );
}

export class CreateTicketDto {
  @PlainTextField('subject', 200, { example: 'My video failed twice' })
  subject!: string;

  @PlainTextField('body', 20000, { description: 'Plain text; HTML is kept as text and never rendered.' })
  body!: string;

  @ApiProperty({ enum: TICKET_CATEGORIES })
  @IsIn(TICKET_CATEGORIES, { message: `category must be one of ${TICKET_CATEGORIES.join(', ')}` })
  category!: (typeof TICKET_CATEGORIES)[number];

  @ApiPropertyOptional({ type: [String], description: 'Ids of the caller’s own generation jobs this is about (at most 10). In multipart forms: repeat the field or separate ids with commas.' })
  @IsOptional()
  @Transform(({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.split(',').map((v) => v.trim()).filter(Boolean) : value))
  @IsArray({ message: 'jobIds must be a list of job ids' })
  @ArrayMaxSize(10, { message: 'jobIds holds at most 10 job ids' })
  @IsUUID('all', { each: true, message: 'each of jobIds must be a job id (a UUID)' })
  jobIds?: string[];
}

export class TicketMessageDto {
  @PlainTextField('body', 20000)
  body!: string;
}

export class GuestTicketDto {
  @ApiProperty({ example: 'alice@example.test', description: 'Where the code (and later the replies) go. Case does not matter.' })
  @Transform(normalizeEmailInput)
  @IsDeliverableEmail()
  email!: string;

  @ApiProperty({ enum: GUEST_CATEGORIES })
  @IsIn(GUEST_CATEGORIES, { message: `category must be one of ${GUEST_CATEGORIES.join(', ')} when you are not signed in` })
  category!: (typeof GUEST_CATEGORIES)[number];

  @PlainTextField('subject', 200)
  subject!: string;

  @PlainTextField('body', 20000)
  body!: string;
}

export class GuestTicketVerifyDto {
  @ApiProperty({ example: '482913', description: 'The 6 digits emailed to the address.' })
  @Transform(({ value }: TransformFnParams): unknown => (typeof value === 'string' ? value.replace(/\s+/g, '') : value))
  @IsString()
  @Matches(CODE_FORMAT, { message: 'code must be the 6 digits from the email' })
  code!: string;
}

export class StaffReplyDto extends TicketMessageDto {
  @ApiProperty({ description: 'The newest message id the agent saw; a newer message by someone else answers 409 TICKET_COLLISION.', nullable: true })
  @ValidateIf((_o, v) => v !== null)
  @IsUUID('all', { message: 'lastSeenMessageId must be a message id' })
  lastSeenMessageId!: string | null;

  @ApiPropertyOptional({ enum: TICKET_STATUSES, description: 'Status after the reply (default: new → open, otherwise unchanged).' })
  @IsOptional()
  @IsIn(TICKET_STATUSES, { message: `status must be one of ${TICKET_STATUSES.join(', ')}` })
  status?: (typeof TICKET_STATUSES)[number];
}

export class StaffNoteDto extends TicketMessageDto {
  @ApiPropertyOptional({ nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsUUID('all', { message: 'lastSeenMessageId must be a message id' })
  lastSeenMessageId?: string | null;
}

export class AssignTicketDto {
  @ApiProperty({ nullable: true, description: 'A support agent’s (or admin’s) staff id; null unassigns.' })
  @ValidateIf((_o, v) => v !== null)
  @IsUUID('all', { message: 'assigneeId must be a staff id, or null to unassign' })
  assigneeId!: string | null;
}

export class TicketStatusDto {
  @ApiProperty({ enum: TICKET_STATUSES })
  @IsIn(TICKET_STATUSES, { message: `status must be one of ${TICKET_STATUSES.join(', ')}` })
  status!: (typeof TICKET_STATUSES)[number];
}

export class TicketPriorityDto {
  @ApiProperty({ enum: TICKET_PRIORITIES })
  @IsIn(TICKET_PRIORITIES, { message: `priority must be one of ${TICKET_PRIORITIES.join(', ')}` })
  priority!: (typeof TICKET_PRIORITIES)[number];
}

export class AdjustCreditsDto {
  @ApiProperty({ description: 'Credits to add (positive) or remove (negative); never 0.' })
  @IsInt({ message: 'amount must be a whole number of credits' })
  @Min(-100000, { message: 'amount must be at least -100000' })
  @Max(100000, { message: 'amount must be at most 100000' })
  amount!: number;

  @ApiProperty({ maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'reason must be 3 to 500 characters long' })
  reason!: string;

  @ApiProperty({ description: 'A fresh UUID per adjustment the agent means: sending the same one again applies it once.' })
  @IsUUID('all', { message: 'requestId must be a UUID chosen by the client for this adjustment' })
  requestId!: string;
}

export class ConvertToPrivacyRequestDto {
  @ApiProperty({ enum: REQUEST_TYPES, description: 'What the user asks for: the privacy request type to create.' })
  @IsIn(REQUEST_TYPES, { message: `type must be one of ${REQUEST_TYPES.join(', ')}` })
  type!: RequestType;
}

export class RefundJobDto {
  @ApiProperty({ description: 'A job linked to the ticket.' })
  @IsUUID('all', { message: 'jobId must be a job id (a UUID)' })
  jobId!: string;

  @ApiProperty({ maxLength: 500 })
  @Transform(trim)
  @IsString()
  @Length(3, 500, { message: 'reason must be 3 to 500 characters long' })
  reason!: string;
}

export class MacroDto {
  @PlainTextField('title', 120)
  title!: string;

  @PlainTextField('body', 20000)
  body!: string;

  @ApiPropertyOptional({ enum: TICKET_CATEGORIES, nullable: true })
  @IsOptional()
  @ValidateIf((_o, v) => v !== null)
  @IsIn(TICKET_CATEGORIES, { message: `category must be one of ${TICKET_CATEGORIES.join(', ')}, or null` })
  category?: (typeof TICKET_CATEGORIES)[number] | null;
}
