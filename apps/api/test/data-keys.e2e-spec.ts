// Crypto-shredding: each user's data is sealed with their own key; destroying the key makes every
// copy unreadable, including a data backup taken before the erasure and restored afterwards.
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { AccessLogService } from '../src/identity/access-log.service';
import { ErasureService } from '../src/retention/erasure.service';
import { reapplyErasuresCommand } from '../src/cli';
import { TestApp, startTestApp, testConfig } from './support/test-app';
import { createTestDatabase, type TestDatabase } from './support/test-database';
import { userWithToken } from './support/tokens';

const run = promisify(execFile);

/** Tables of every schema (keystore included) where some row mentions `text` anywhere. */
async function tablesMentioning(url: string, text: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const tables = (await c.query(`SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`)).rows as Array<{ table_schema: string; table_name: string }>;
    const found: string[] = [];
    for (const tb of tables) {
      const name = `"${tb.table_schema}"."${tb.table_name}"`;
      const { rows } = await c.query(`SELECT count(*)::int AS n FROM ${name} x WHERE x::text ILIKE $1`, [`%${text}%`]);
      if ((rows[0] as { n: number }).n > 0) found.push(name);
    }
    return found;
  });
}

async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('per-user data keys (crypto-shredding)', () => {
  let t: TestApp;
  let db: TestDatabase;
  const masterKeys = `k1:${'m'.repeat(40)}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    t = await startTestApp({ db, env: { DATA_KEY_MASTER_KEYS: masterKeys } });
  });
  afterAll(async () => {
    await t?.close();
    await db?.drop();
  });

  it('seals a value with the owner key so that another owner or context cannot open it', async () => {
    const keys = t.app.get(DataKeysService);
    const { id: ada } = await userWithToken(t.app, 'ada.keys@example.com');
    const { id: bob } = await userWithToken(t.app, 'bob.keys@example.com');
    const sealed = await keys.seal(ada, 'a lighthouse in a storm', 'test.prompt:1');
    expect(sealed.includes(Buffer.from('lighthouse'))).toBe(false);
    expect(await keys.openText(ada, sealed, 'test.prompt:1')).toBe('a lighthouse in a storm');
    await expect(keys.open(bob, sealed, 'test.prompt:1')).rejects.toMatchObject({ code: 'DATA_UNREADABLE' });
    await expect(keys.open(ada, sealed, 'test.prompt:2')).rejects.toMatchObject({ code: 'DATA_UNREADABLE' });
    const [row] = await t.app.get(DataSource).query('SELECT master_key_id, octet_length(wrapped_key) AS n FROM keystore.user_data_keys WHERE user_id = $1', [ada]);
    expect(row.master_key_id).toBe('k1');
  });

  it('keeps a key first made inside a transaction that rolls back, so what is sealed with it later still opens', async () => {
    const keys = t.app.get(DataKeysService);
    const ds = t.app.get(DataSource);
    const { id } = await userWithToken(t.app, 'dave.keys@example.com');
    await expect(
      ds.transaction(async (m) => {
        await keys.seal(id, 'sealed in a failed transaction', 'ctx', m);
        throw new Error('the caller fails after sealing');
      }),
    ).rejects.toThrow('the caller fails after sealing');
    const sealed = await keys.seal(id, 'sealed afterwards', 'ctx');
    keys.clearCache();
    expect(await keys.openText(id, sealed, 'ctx')).toBe('sealed afterwards');
    const [row] = await ds.query('SELECT count(*)::int AS n FROM keystore.user_data_keys WHERE user_id = $1 AND wrapped_key IS NOT NULL', [id]);
    expect(row.n).toBe(1);
  });

  it('makes a destroyed key unusable at once and for good, even for a replica that had it cached', async () => {
    const keys = t.app.get(DataKeysService);
    const { id } = await userWithToken(t.app, 'carol.keys@example.com');
    const sealed = await keys.seal(id, 'private words', 'ctx');
    expect(await keys.destroy(id)).toBe(true);
    expect(await keys.destroy(id)).toBe(false);
    expect(await keys.isDestroyed(id)).toBe(true);
    await expect(keys.open(id, sealed, 'ctx')).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED', status: 410 });
    await expect(keys.seal(id, 'new data', 'ctx')).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
    expect(await keys.openTextOrNull(id, sealed, 'ctx')).toBeNull();
    await expect(t.app.get(DataSource).query(`UPDATE keystore.user_data_keys SET wrapped_key = '\\x00'::bytea, master_key_id = 'k1', destroyed_at = NULL WHERE user_id = $1`, [id])).rejects.toThrow(/destroyed and cannot be restored/);
  });

  it('re-wraps keys under a new master key after rotation, and old data still opens', async () => {
    const { id } = await userWithToken(t.app, 'dave.keys@example.com');
    const sealed = await t.app.get(DataKeysService).seal(id, 'before rotation', 'ctx');
    await t.close();
    t = await startTestApp({ db, env: { DATA_KEY_MASTER_KEYS: `k2:${'n'.repeat(40)},${masterKeys}` } });
    const keys = t.app.get(DataKeysService);
    expect(await keys.openText(id, sealed, 'ctx')).toBe('before rotation');
    // The operator command, as docs/operations.md gives it.
    const { stdout, stderr } = await run('npx', ['tsx', 'apps/api/src/cli.ts', 'rotate-data-keys'], {
      cwd: path.resolve(__dirname, '../../..'),
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: db.url, DATA_KEY_MASTER_KEYS: `k2:${'n'.repeat(40)},${masterKeys}`, LOG_LEVEL: 'info' },
    });
    // ada and dave; carol's key is destroyed, bob never sealed anything.
    expect(`${stdout}${stderr}`).toContain('re-wrapped 2 data key(s) under master key k2');
    expect(await keys.rewrapBatch(2)).toBe(0);
    const ids = await t.app.get(DataSource).query(`SELECT DISTINCT master_key_id FROM keystore.user_data_keys WHERE wrapped_key IS NOT NULL`);
    expect(ids).toEqual([{ master_key_id: 'k2' }]);
    await t.close();
    // With the old key dropped from the keyring, everything still opens.
    t = await startTestApp({ db, env: { DATA_KEY_MASTER_KEYS: `k2:${'n'.repeat(40)}` } });
    expect(await t.app.get(DataKeysService).openText(id, sealed, 'ctx')).toBe('before rotation');
  });

  it('leaves an erased user unreadable in a data backup taken before the erasure and restored after it, and erases their restored rows again', async () => {
    const env = { DATA_KEY_MASTER_KEYS: `k2:${'n'.repeat(40)}` };
    const erinEmail = 'erin.keys@example.com';
    const { id: erased } = await userWithToken(t.app, erinEmail);
    await t.app.get(AccessLogService).record({ userId: erased, sessionId: null, event: 'login', client: { ip: '203.0.113.77', userAgent: 'Erin-Browser/1.0' } });
    const { id: kept } = await userWithToken(t.app, 'frank.keys@example.com');
    const ds = t.app.get(DataSource);
    await ds.query('CREATE TABLE backup_probe (user_id uuid, secret bytea)');
    for (const [user, text] of [[erased, 'erin private prompt'], [kept, 'frank private prompt']] as const) {
      await ds.query('INSERT INTO backup_probe VALUES ($1, $2)', [user, await t.app.get(DataKeysService).seal(user, text, `probe:${user}`)]);
    }
    // The nightly data backup: a copy of the database without the keystore schema
    // (pg_dump --exclude-schema=keystore in docs/operations.md).
    await t.close();
    const backup = `${db.name}_bk`;
    await withClient(process.env.SOAR2_TEST_SERVER_URL!, (c) => c.query(`CREATE DATABASE ${backup} TEMPLATE ${db.name}`));
    const backupUrl = Object.assign(new URL(db.url), { pathname: `/${backup}` }).toString();
    try {
      await withClient(backupUrl, (c) => c.query('DROP SCHEMA keystore CASCADE'));

      // Later the user is erased (the real erasure: erasers, key destroyed, certificate).
      t = await startTestApp({ db, env });
      const erasures = t.app.get(ErasureService);
      const scheduled = await erasures.schedule({ userId: erased, reason: 'deletion request', actor: { type: 'system', id: 'test' } });
      await t.app.get(DataSource).query(`UPDATE erasures SET run_after = now() WHERE id = $1`, [scheduled.id]);
      expect((await erasures.execute(scheduled.id)).status).toBe('completed');
      expect(await t.app.get(DataKeysService).isDestroyed(erased)).toBe(true);
      expect(await tablesMentioning(db.url, erinEmail)).toEqual([]);
      const liveKeys: Array<{ user_id: string; wrapped_key: Buffer | null; master_key_id: string | null; destroyed_at: Date | null }> = await t.app
        .get(DataSource)
        .query('SELECT user_id, wrapped_key, master_key_id, destroyed_at FROM keystore.user_data_keys');
      await t.close();

      // Restore drill: the data backup, plus the live keystore (the keystore is never restored from a data backup).
      await withClient(backupUrl, async (c) => {
        await c.query('CREATE SCHEMA keystore');
        await c.query(
          'CREATE TABLE keystore.user_data_keys (user_id uuid PRIMARY KEY, wrapped_key bytea, master_key_id text, created_at timestamptz NOT NULL DEFAULT now(), rewrapped_at timestamptz, destroyed_at timestamptz)',
        );
        for (const k of liveKeys) await c.query('INSERT INTO keystore.user_data_keys (user_id, wrapped_key, master_key_id, destroyed_at) VALUES ($1,$2,$3,$4)', [k.user_id, k.wrapped_key, k.master_key_id, k.destroyed_at]);
      });
      t = await startTestApp({ db: { name: backup, url: backupUrl, drop: async () => undefined }, env });
      const keys = t.app.get(DataKeysService);
      const rows: Array<{ user_id: string; secret: Buffer }> = await t.app.get(DataSource).query('SELECT user_id, secret FROM backup_probe');
      const byUser = new Map(rows.map((r) => [r.user_id, r.secret]));
      expect(byUser.get(erased)!.includes(Buffer.from('erin'))).toBe(false);
      await expect(keys.open(erased, byUser.get(erased)!, `probe:${erased}`)).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
      expect(await keys.openText(kept, byUser.get(kept)!, `probe:${kept}`)).toBe('frank private prompt');
      await t.close();

      // The restored data still holds Erin's account row with her address (and her sealed access log):
      // the re-erasure command finds her through the keystore and erases those rows again.
      expect(await tablesMentioning(backupUrl, erinEmail)).toEqual(['"public"."users"']);
      // `npm run reapply-erasures` (the command's code, in-process: Nest needs compiled decorator metadata).
      const reapply = () => reapplyErasuresCommand(testConfig(backupUrl, env), backupUrl);
      const first = await reapply();
      expect(first.reErased).toContain(erased);
      expect(first.reErased).not.toContain(kept);
      expect(first.held).toEqual([]);
      expect(await tablesMentioning(backupUrl, erinEmail)).toEqual([]);
      await withClient(backupUrl, async (c) => {
        const user = (await c.query('SELECT status, email_lookup, display_name FROM users WHERE id = $1', [erased])).rows[0];
        expect(user).toEqual({ status: 'deleted', email_lookup: null, display_name: null });
        expect((await c.query('SELECT count(*)::int AS n FROM access_log WHERE user_id = $1', [erased])).rows[0].n).toBe(0);
        // Audited, and no second certificate: the one issued by the erasure itself stands.
        expect((await c.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'erasure.reapply' AND subject_id = $1`, [erased])).rows[0].n).toBe(1);
        expect((await c.query('SELECT count(*)::int AS n FROM deletion_certificates WHERE subject_id = $1', [erased])).rows[0].n).toBe(0);
        // Frank, whose key lives, is untouched.
        expect((await c.query('SELECT status FROM users WHERE id = $1', [kept])).rows[0].status).toBe('active');
      });
      // Nothing left to do: a second run erases nobody.
      expect(await reapply()).toEqual({ reErased: [], held: [] });
    } finally {
      await withClient(process.env.SOAR2_TEST_SERVER_URL!, (c) => c.query(`DROP DATABASE IF EXISTS ${backup} WITH (FORCE)`));
      t = await startTestApp({ db, env });
    }
  });
});
