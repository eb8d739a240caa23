import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class AuditVerificationDto {
  @ApiProperty({ description: 'True when every entry matches its hash and links to the one before, with no gaps.' })
  valid!: boolean;

  @ApiProperty({ description: 'Entries found intact, in order, before the first break (all of them when valid).' })
  checked!: number;

  @ApiPropertyOptional({ description: 'Sequence number of the first broken link.' })
  firstBrokenSequence?: number;

  @ApiPropertyOptional({
    enum: ['sequence_gap', 'prev_hash_mismatch', 'hash_mismatch', 'head_mismatch'],
    description:
      'sequence_gap: entries are missing; prev_hash_mismatch: the entry does not link to the one before (cut or re-hashed); ' +
      'hash_mismatch: the entry was changed; head_mismatch: the end of the log was rewritten.',
  })
  reason?: string;

  @ApiPropertyOptional({ description: 'A sentence describing the break.' })
  detail?: string;
}
