import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RateLimitedException } from './identity.exception';
import { RateLimitRule } from './rate-limit';
import { VerificationKeyService } from './verification-key.service';

export interface RateLimitCheck {
  rule: RateLimitRule;
  /** What is counted: an address, a client network, a user id. Stored only as a keyed hash. */
  key: string;
}

/**
 * Sliding-window rate limits kept in PostgreSQL, so that every stateless API replica counts the same
 * hits. A refused request is not counted, so a client that waits Retry-After gets through.
 */
@Injectable()
export class RateLimitService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: VerificationKeyService,
  ) {}

  /** Counts one hit in every bucket, or none and throws RATE_LIMITED (429, Retry-After) when any bucket is full. */
  async hit(checks: RateLimitCheck[]): Promise<void> {
    const buckets = checks
      .map((c) => ({ rule: c.rule, keyHash: this.keys.hmac('rate-limit', c.rule.name, c.key) }))
      .map((b) => ({ ...b, lockName: `${b.rule.name}:${b.keyHash.toString('hex')}` }))
      // One lock order for everyone, so two requests sharing buckets cannot deadlock.
      .sort((a, b) => a.lockName.localeCompare(b.lockName));
    const retryAfter = await this.dataSource.transaction(async (m) => {
      let wait = 0;
      for (const b of buckets) {
        // Serialises the count-then-insert of one bucket across replicas; released at commit.
        await m.query(`SELECT pg_advisory_xact_lock(hashtext('soar2:rate-limit'), hashtext($1))`, [b.lockName]);
        const [row] = (await m.query(
          `SELECT count(*)::int AS hits,
                  ceil(extract(epoch FROM min(hit_at) + make_interval(secs => $3) - now()))::int AS retry_after
             FROM rate_limit_hits
            WHERE bucket = $1 AND key_hash = $2 AND hit_at > now() - make_interval(secs => $3)`,
          [b.rule.name, b.keyHash, b.rule.windowSeconds],
        )) as Array<{ hits: number; retry_after: number | null }>;
        if (row && row.hits >= b.rule.limit) wait = Math.max(wait, row.retry_after ?? 1, 1);
      }
      if (wait > 0) return wait;
      await m.query(`INSERT INTO rate_limit_hits (bucket, key_hash) SELECT * FROM unnest($1::text[], $2::bytea[])`, [
        buckets.map((b) => b.rule.name),
        buckets.map((b) => b.keyHash),
      ]);
      return 0;
    });
    if (retryAfter > 0) throw new RateLimitedException(retryAfter);
  }
}
