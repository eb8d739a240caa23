import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One counted request of a rate-limited action; the key (address, network, user) is stored as a keyed hash. */
@Entity({ name: 'rate_limit_hits' })
export class RateLimitHitEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'text' })
  bucket!: string;

  @Column({ name: 'key_hash', type: 'bytea' })
  keyHash!: Buffer;

  @Column({ name: 'hit_at', type: 'timestamptz' })
  hitAt!: Date;
}
