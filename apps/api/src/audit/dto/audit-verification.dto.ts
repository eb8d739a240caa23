import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ArchiveVerificationDto {
  @ApiProperty({ description: 'Archived segments recorded in audit_log_segments.' })
  segments!: number;

  @ApiProperty({ description: 'Archived entries read back from segment files and found intact.' })
  entriesInFiles!: number;

  @ApiProperty({ description: 'Segments whose file was purged after the retention period (6 years); only their boundary hashes anchor the chain.' })
  filesPurged!: number;
}

export class AuditVerificationDto {
  @ApiProperty({ description: 'True when every entry matches its hash and links to the one before, with no gaps.' })
  valid!: boolean;

  @ApiProperty({ description: 'Entries found intact, in order, before the first break (all of them when valid).' })
  checked!: number;

  @ApiPropertyOptional({ description: 'Sequence number of the first broken link.' })
  firstBrokenSequence?: number;

  @ApiPropertyOptional({
    enum: ['sequence_gap', 'prev_hash_mismatch', 'hash_mismatch', 'head_mismatch', 'segment_mismatch'],
    description:
      'sequence_gap: entries are missing; prev_hash_mismatch: the entry does not link to the one before (cut or re-hashed); ' +
      'hash_mismatch: the entry was changed; head_mismatch: the end of the log was rewritten; ' +
      'segment_mismatch: an archived segment file is missing, does not match its recorded SHA-256, or does not end on its recorded hash.',
  })
  reason?: string;

  @ApiPropertyOptional({ description: 'A sentence describing the break.' })
  detail?: string;

  @ApiPropertyOptional({ type: () => ArchiveVerificationDto, description: 'The archived part of the chain (segments moved out of the table), when there is one.' })
  archive?: ArchiveVerificationDto;
}
