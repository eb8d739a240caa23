// Re-wrapping data keys under the newest master key (rotation), shared by DataKeysService and the
// `npm run rotate-data-keys` command.
import { unwrapDataKey, wrapDataKey, type MasterKeyring } from '@soar2/privacy';

/** What a batch needs from a database connection: a transaction with row locks. */
export interface Queryable {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Re-wraps up to `batchSize` keys still under an older master key; returns how many. Run inside a transaction. */
export async function rewrapBatch(db: Queryable, ring: MasterKeyring, batchSize: number): Promise<number> {
  const rows = await db.query<{ user_id: string; wrapped_key: Buffer }>(
    `SELECT user_id, wrapped_key FROM keystore.user_data_keys WHERE wrapped_key IS NOT NULL AND master_key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [ring.current.id, batchSize],
  );
  for (const row of rows) {
    const key = unwrapDataKey(ring, row.wrapped_key, row.user_id);
    await db.query(`UPDATE keystore.user_data_keys SET wrapped_key = $2, master_key_id = $3, rewrapped_at = now() WHERE user_id = $1`, [
      row.user_id,
      wrapDataKey(ring, key, row.user_id),
      ring.current.id,
    ]);
  }
  return rows.length;
}
