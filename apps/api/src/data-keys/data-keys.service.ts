// Per-user data keys for crypto-shredding (decision 006 in docs/decisions, docs/retention.md).
// Modules encrypt a user's personal free text and files with `seal`/`open`; erasure calls `destroy`,
// after which every copy of those ciphertexts (database backups, storage snapshots) is unreadable.
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { EnvelopeError, OpenStream, SealStream, generateDataKey, openWithDataKey, parseMasterKeyring, sealWithDataKey, unwrapDataKey, wrapDataKey, wrappedKeyId, type MasterKeyring, type OpenStreamOptions } from '@soar2/privacy';
import { rewrapBatch } from './rewrap';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { resolveServerSecret } from '../identity/secret-file';
import { DataKeyDestroyedException, DataUnreadableException } from './data-keys.exception';

interface KeyRow {
  wrapped_key: Buffer | null;
}

const CACHE_LIMIT = 10_000;

@Injectable()
export class DataKeysService implements OnModuleInit {
  private readonly logger = new Logger('DataKeys');
  private ring: MasterKeyring | undefined;
  /** userId → unwrapped key and when it was read (Map order = least recently used first). */
  private readonly cache = new Map<string, { key: Buffer; at: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async onModuleInit(): Promise<void> {
    const { masterKeys, keyFile: file } = this.config.dataKeys;
    // Without a configured keyring, the generated key is the one-entry keyring `local:<key>`.
    const generated = masterKeys === undefined ? 'local:' : '';
    const value = await resolveServerSecret({ configured: masterKeys, production: this.config.production, setting: 'DATA_KEY_MASTER_KEYS', file, label: 'data-key master key', logger: this.logger });
    this.ring = parseMasterKeyring(`${generated}${value}`);
  }

  /** Encrypts a value of this user's, bound to `context` (e.g. `generation_jobs.prompt:<id>`). */
  async seal(userId: string, plaintext: Buffer | string, context: string, manager?: EntityManager): Promise<Buffer> {
    return sealWithDataKey(await this.dataKey(userId, manager), plaintext, context);
  }

  /** Throws DataKeyDestroyedException (410) once the user was erased. */
  async open(userId: string, sealed: Buffer, context: string, manager?: EntityManager): Promise<Buffer> {
    const key = await this.dataKey(userId, manager, false);
    try {
      return openWithDataKey(key, sealed, context);
    } catch (err) {
      if (err instanceof EnvelopeError) {
        this.logger.error({ userId, context }, 'an encrypted value did not open with its owner key');
        throw new DataUnreadableException();
      }
      throw err;
    }
  }

  async openText(userId: string, sealed: Buffer, context: string, manager?: EntityManager): Promise<string> {
    return (await this.open(userId, sealed, context, manager)).toString('utf8');
  }

  /** Like openText, but null when the key was destroyed (lists that show erased rows). */
  async openTextOrNull(userId: string, sealed: Buffer | null, context: string, manager?: EntityManager): Promise<string | null> {
    if (sealed === null) return null;
    try {
      return await this.openText(userId, sealed, context, manager);
    } catch (err) {
      if (err instanceof DataKeyDestroyedException) return null;
      throw err;
    }
  }

  /**
   * A Transform that seals a file of this user's (sealed-stream format, decision 018), bound to
   * `context` (e.g. `storage:<key>`); its `plaintextSha256`/`plaintextBytes` are final once it ended.
   */
  async sealStream(userId: string, context: string, manager?: EntityManager): Promise<SealStream> {
    return new SealStream(await this.dataKey(userId, manager), context);
  }

  /**
   * A Transform that opens a sealed file (or, with `options.plan` and `options.header`, one planned
   * range of it). Throws DataKeyDestroyedException (410) before any byte once the user was erased; an
   * altered, cut or reordered file makes the stream fail with an EnvelopeError (logged here).
   */
  async openStream(userId: string, context: string, options: OpenStreamOptions = {}, manager?: EntityManager): Promise<OpenStream> {
    const key = await this.dataKey(userId, manager, false);
    const stream = new OpenStream(key, context, options);
    stream.once('error', (err) => {
      if (err instanceof EnvelopeError) this.logger.error({ userId, context }, 'an encrypted file did not open with its owner key');
    });
    return stream;
  }

  /** Destroys the user's key for good (idempotent). Returns whether a live key was destroyed now. */
  async destroy(userId: string, manager?: EntityManager): Promise<boolean> {
    const m = manager ?? this.dataSource.manager;
    const rows: unknown[] = await m.query(
      `INSERT INTO keystore.user_data_keys (user_id, wrapped_key, master_key_id, destroyed_at) VALUES ($1, NULL, NULL, now())
       ON CONFLICT (user_id) DO UPDATE SET wrapped_key = NULL, master_key_id = NULL, destroyed_at = now()
         WHERE keystore.user_data_keys.destroyed_at IS NULL
       RETURNING user_id`,
      [userId],
    );
    this.cache.delete(userId);
    return rows.length > 0;
  }

  async isDestroyed(userId: string, manager?: EntityManager): Promise<boolean> {
    const rows: Array<{ destroyed: boolean }> = await (manager ?? this.dataSource.manager).query(
      'SELECT destroyed_at IS NOT NULL AS destroyed FROM keystore.user_data_keys WHERE user_id = $1',
      [userId],
    );
    return rows[0]?.destroyed ?? false;
  }

  /**
   * Re-wraps keys wrapped by an older master key with the current one, `batchSize` at a time
   * (`npm run rotate-data-keys`). Returns how many were re-wrapped; run until 0, then drop the old key.
   */
  async rewrapBatch(batchSize = 500): Promise<number> {
    const ring = this.keyring();
    return this.dataSource.transaction((m) => rewrapBatch({ query: (sql, params) => m.query(sql, params) }, ring, batchSize));
  }

  /** Forgets cached keys (tests; an operator after destroying keys by hand). */
  clearCache(): void {
    this.cache.clear();
  }

  private async dataKey(userId: string, manager: EntityManager | undefined, create = true): Promise<Buffer> {
    const cached = this.cache.get(userId);
    const ttl = this.config.dataKeys.cacheSeconds * 1000;
    if (cached && Date.now() - cached.at < ttl) {
      this.cache.delete(userId);
      this.cache.set(userId, cached);
      return cached.key;
    }
    const ring = this.keyring();
    const m = manager ?? this.dataSource.manager;
    let rows: Array<KeyRow & { destroyed_at: Date | null }> = await m.query(
      'SELECT wrapped_key, destroyed_at FROM keystore.user_data_keys WHERE user_id = $1',
      [userId],
    );
    if (rows.length === 0) {
      // No key was ever made for this user, so nothing sealed for them can exist: the value is someone else's.
      if (!create) throw new DataUnreadableException();
      // A new key is committed on its own, outside the caller's transaction: were it written inside
      // one that rolls back, the cached key would seal later data that no stored key could open.
      // A key with nothing sealed under it is harmless; the caller's transaction cannot hold this
      // row (it saw none), so the insert never waits on it.
      const fresh = generateDataKey();
      const own = this.dataSource.manager;
      await own.query(
        `INSERT INTO keystore.user_data_keys (user_id, wrapped_key, master_key_id) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO NOTHING`,
        [userId, wrapDataKey(ring, fresh, userId), ring.current.id],
      );
      rows = await own.query('SELECT wrapped_key, destroyed_at FROM keystore.user_data_keys WHERE user_id = $1', [userId]);
    }
    const wrapped = rows[0]?.wrapped_key;
    if (!wrapped) throw new DataKeyDestroyedException();
    let key: Buffer;
    try {
      key = unwrapDataKey(ring, wrapped, userId);
    } catch (err) {
      this.logger.error({ userId, masterKeyId: safeKeyId(wrapped) }, 'a data key does not unwrap with DATA_KEY_MASTER_KEYS');
      throw err instanceof EnvelopeError ? new DataUnreadableException() : err;
    }
    if (ttl > 0) {
      this.cache.set(userId, { key, at: Date.now() });
      if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value as string);
    }
    return key;
  }

  private keyring(): MasterKeyring {
    if (!this.ring) throw new Error('The data-key master keys are read when the module starts; they are not loaded yet.');
    return this.ring;
  }
}

function safeKeyId(wrapped: Buffer): string {
  try {
    return wrappedKeyId(wrapped);
  } catch {
    return 'unknown';
  }
}
