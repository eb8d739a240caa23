import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const ACCOUNT_STATUSES = ['active', 'restricted', 'suspended', 'terminated', 'pending_deletion', 'deleted'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** An end user of Soar2 AI (signs in with emailed codes; the login flow arrives with the identity issue). */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The contact address (mail, console display); erased with the account. Never searched: see emailLookup. */
  @Column({ type: 'text' })
  email!: string;

  /** HMAC-SHA256 of the normalised email under EMAIL_LOOKUP_KEY: every lookup by email goes through it (decision 020). */
  @Column({ name: 'email_lookup', type: 'bytea', nullable: true, select: false })
  emailLookup?: Buffer | null;

  @Column({ name: 'display_name', type: 'text', nullable: true })
  displayName!: string | null;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  @Column({ type: 'text', default: 'active' })
  status!: AccountStatus;

  @Column({ name: 'age_confirmed_at', type: 'timestamptz', nullable: true })
  ageConfirmedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
