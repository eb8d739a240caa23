import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const ACCESS_PACKAGE_FORMATS = ['access', 'portability'] as const;
export type AccessPackageFormat = (typeof ACCESS_PACKAGE_FORMATS)[number];

export const ACCESS_PACKAGE_STATES = ['queued', 'building', 'ready', 'failed', 'purged'] as const;
/** queued → building → ready (→ purged after retention); building → queued again when a worker stops mid-build; failed once retries are spent. */
export type AccessPackageState = (typeof ACCESS_PACKAGE_STATES)[number];

const bigintNumber = { to: (v: number | null) => v, from: (v: string | null) => (v === null ? null : Number(v)) };

/** One access/portability package of a user: build progress and, once ready, the stored zip. */
@Entity({ name: 'access_packages' })
export class AccessPackageEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ name: 'request_id', type: 'uuid', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text' })
  format!: AccessPackageFormat;

  @Column({ type: 'text' })
  state!: AccessPackageState;

  /** Build attempts started (a crash or stop mid-build makes another worker start again from scratch). */
  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'categories_total', type: 'integer' })
  categoriesTotal!: number;

  @Column({ name: 'categories_done', type: 'integer' })
  categoriesDone!: number;

  /** Bytes written to the zip so far (the current attempt). */
  @Column({ type: 'bigint', transformer: bigintNumber })
  bytes!: number;

  @Column({ name: 'storage_key', type: 'text', nullable: true })
  storageKey!: string | null;

  @Column({ type: 'text', nullable: true })
  sha256!: string | null;

  @Column({ type: 'bigint', nullable: true, transformer: bigintNumber })
  size!: number | null;

  @Column({ name: 'error_code', type: 'text', nullable: true })
  errorCode!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;
}
