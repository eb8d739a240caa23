import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * One video generation job (the table is written by GenerationJobsRepository with SQL; the entity
 * documents the columns that hold personal data and lets the personal-data coverage check see the
 * user reference).
 */
@Entity({ name: 'generation_jobs' })
export class GenerationJobEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  /** Legacy clear prompt, emptied by `seal-backfill` (decision 018). */
  @Column({ type: 'text', nullable: true })
  prompt!: string | null;

  /** The prompt sealed with the owner's data key (`generation_jobs.prompt:<id>`). */
  @Column({ name: 'prompt_sealed', type: 'bytea', nullable: true })
  promptSealed!: Buffer | null;

  @Column({ type: 'text', nullable: true })
  style!: string | null;

  @Column({ type: 'text' })
  model!: string;

  @Column({ type: 'integer' })
  seconds!: number;

  @Column({ type: 'text' })
  size!: string;

  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'reference_key', type: 'text', nullable: true })
  referenceKey!: string | null;

  @Column({ name: 'video_key', type: 'text', nullable: true })
  videoKey!: string | null;

  @Column({ name: 'thumbnail_key', type: 'text', nullable: true })
  thumbnailKey!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** Per-user style and prompt-type counts ("usage habits and preferences"). */
@Entity({ name: 'generation_preferences' })
export class GenerationPreferencesEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'jsonb' })
  counts!: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
