import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { canonicalEntry, canonicalJson, linkHash } from '../src/audit/audit-chain';
import { CANONICAL_ENTRY_SQL } from '../src/audit/audit-chain-sql';
import type { JsonValue } from '../src/audit/audit-entry';
import { AuditService } from '../src/audit/audit.service';
import { dataSourceOptions } from '../src/database/data-source-options';
import { runMigrations } from '../src/database/migrator';
import { StaffService } from '../src/identity/staff.service';
import { TestApp, startTestApp } from './support/test-app';

interface Entry {
  id: string;
  sequence: number;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

const password = 'correct horse battery';
const WRITERS = 40;

describe('audit log: hash chain, append-only storage, transactions, console routes', () => {
  let t: TestApp;
  let audit: AuditService;
  let dataSource: DataSource;
  const tokens: Record<string, string> = {};
  const staffIds: Record<string, string> = {};

  async function login(email: string, requestId?: string): Promise<{ token: string; staffId: string }> {
    const req = request(t.server).post('/admin/auth/login').send({ email, password });
    if (requestId) req.set('X-Request-Id', requestId);
    const r = await req.expect(200);
    return { token: r.body.token as string, staffId: r.body.staff.id as string };
  }

  function asAuditor(path: string, query: Record<string, string> = {}): request.Test {
    return request(t.server).get(path).query(query).set('Authorization', `Bearer ${tokens.auditor}`);
  }

  async function entries(filter: Record<string, unknown>): Promise<Entry[]> {
    const r = await asAuditor('/admin/audit-log', { filter: JSON.stringify(filter), sort: '["sequence","ASC"]', range: '[0,499]' }).expect(200);
    return r.body as Entry[];
  }

  async function verify(): Promise<Record<string, unknown>> {
    return (await asAuditor('/admin/audit-log/verify').expect(200)).body as Record<string, unknown>;
  }

  async function head(): Promise<number> {
    const rows: Array<{ last_sequence: string }> = await dataSource.query('SELECT last_sequence FROM audit_chain_head');
    return Number(rows[0]?.last_sequence);
  }

  /** Runs statements as the superuser with the append-only trigger off: an attacker behind the application's back. */
  async function behindTheBack(...statements: string[]): Promise<void> {
    const c = new Client({ connectionString: t.db.url });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('ALTER TABLE audit_log DISABLE TRIGGER ALL');
      for (const s of statements) await c.query(s);
      await c.query('ALTER TABLE audit_log ENABLE TRIGGER ALL');
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    // Enough connections for every concurrent writer to hold its transaction open at once.
    t = await startTestApp({ env: { DATABASE_POOL_SIZE: String(WRITERS + 10) } });
    audit = t.app.get(AuditService);
    dataSource = t.app.get(DataSource);
    const staff = t.app.get(StaffService);
    for (const [key, role] of [['admin', 'admin'], ['auditor', 'auditor'], ['agent', 'support_agent']] as const) {
      await staff.ensure(`${key}@soar2.test`, key, role, password);
      const { token, staffId } = await login(`${key}@soar2.test`);
      tokens[key] = token;
      staffIds[key] = staffId;
    }
  });
  afterAll(() => t.close());

  it('records staff sign-in with the request id and address, and never the email or password', async () => {
    const { staffId } = await login('admin@soar2.test', 'req-audit-login-1');
    const [entry] = await entries({ action: 'staff.login', subjectId: staffId, actorType: 'staff' }).then((list) => list.slice(-1));
    expect(entry).toMatchObject({
      actorType: 'staff',
      actorId: staffId,
      actorRole: 'admin',
      subjectType: 'staff',
      subjectId: staffId,
      requestId: 'req-audit-login-1',
      ip: '127.0.0.1',
      details: { outcome: 'success', sessionId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(JSON.stringify(entry)).not.toMatch(/@soar2\.test|correct horse/);
  });

  it('records refused sign-ins anonymously with a keyed hash of the email, the same for the same address', async () => {
    await request(t.server).post('/admin/auth/login').send({ email: 'admin@soar2.test', password: 'wrong password' }).expect(401);
    await request(t.server).post('/admin/auth/login').send({ email: 'Nobody@Example.com', password: 'guess-one' }).expect(401);
    await request(t.server).post('/admin/auth/login').send({ email: 'nobody@example.com', password: 'guess-two' }).expect(401);
    const failures = (await entries({ action: 'staff.login', actorType: 'anonymous' })).slice(-3);
    expect(failures.map((e) => [e.subjectId, e.details.reason])).toEqual([
      [staffIds.admin, 'wrong_password'],
      [null, 'unknown_account'],
      [null, 'unknown_account'],
    ]);
    for (const e of failures) {
      expect(e).toMatchObject({ actorId: null, details: { outcome: 'failure', emailHash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
    }
    expect(failures[1]?.details.emailHash).toBe(failures[2]?.details.emailHash);
    expect(failures[0]?.details.emailHash).not.toBe(failures[1]?.details.emailHash);
    expect(JSON.stringify(failures)).not.toMatch(/example\.com|soar2\.test|guess-|wrong password/i);
  });

  it('records sign-out with the session that ended', async () => {
    const { token, staffId } = await login('admin@soar2.test');
    const signIn = (await entries({ action: 'staff.login', actorId: staffId })).pop();
    await request(t.server).post('/admin/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);
    const [signOut] = await entries({ action: 'staff.logout', actorId: staffId });
    expect(signOut).toMatchObject({ actorType: 'staff', actorRole: 'admin', subjectId: staffId, details: { sessionId: signIn?.details.sessionId } });
  });

  it('appends entries that verify, and records each verification in the chain', async () => {
    for (let i = 0; i < 5; i += 1) {
      await audit.record({ action: 'test.append', actor: { type: 'system', id: 'audit-e2e' }, subject: { type: 'thing', id: String(i) }, details: { i } });
    }
    const before = await head();
    expect(await verify()).toEqual({ valid: true, checked: before });
    const [check] = (await entries({ action: 'audit_log.verify' })).slice(-1);
    expect(check).toMatchObject({ sequence: before + 1, actorType: 'staff', actorId: staffIds.auditor, details: { valid: true, checked: before } });
  });

  it('links every entry to the one before it, starting from the genesis value', async () => {
    const list = await entries({});
    expect(list[0]).toMatchObject({ sequence: 1, prevHash: '0'.repeat(64) });
    list.slice(1).forEach((e, i) => {
      expect(e.sequence).toBe(i + 2);
      expect(e.prevHash).toBe(list[i]?.hash);
    });
  });

  it('lets admins and auditors read the log, refuses support agents with 403 and anonymous callers with 401', async () => {
    await request(t.server).get('/admin/audit-log').set('Authorization', `Bearer ${tokens.admin}`).expect(200);
    await asAuditor('/admin/audit-log').expect(200);
    for (const path of ['/admin/audit-log', '/admin/audit-log/verify', `/admin/audit-log/${randomUUID()}`]) {
      const forbidden = await request(t.server).get(path).set('Authorization', `Bearer ${tokens.agent}`).expect(403);
      expect(forbidden.body.code).toBe('FORBIDDEN');
      const anonymous = await request(t.server).get(path).expect(401);
      expect(anonymous.body.code).toBe('UNAUTHENTICATED');
    }
  });

  it('lists newest first with Content-Range, filters, sorts, pages and reads one entry', async () => {
    const total = await head();
    const page = await asAuditor('/admin/audit-log', { range: '[0,1]' }).expect(200);
    expect(page.headers['content-range']).toBe(`audit-log 0-1/${total}`);
    expect((page.body as Entry[]).map((e) => e.sequence)).toEqual([total, total - 1]);

    const byAction = await asAuditor('/admin/audit-log', { filter: '{"action":"test.append"}', sort: '["occurredAt","ASC"]', range: '[1,2]' }).expect(200);
    expect(byAction.headers['content-range']).toBe('audit-log 1-2/5');
    expect((byAction.body as Entry[]).map((e) => e.details.i)).toEqual([1, 2]);

    const bySubject = await entries({ subjectType: 'thing', subjectId: '3' });
    expect(bySubject.map((e) => e.details.i)).toEqual([3]);
    expect(await entries({ actorType: 'system', actorId: 'audit-e2e' })).toHaveLength(5);
    expect(await entries({ action: ['test.append', 'staff.logout'] })).toHaveLength(6);

    const first = bySubject[0] as Entry;
    const justAfter = new Date(Date.parse(first.occurredAt) + 1).toISOString();
    expect(await entries({ from: first.occurredAt, to: justAfter, subjectId: '3' })).toEqual([first]);
    expect(await entries({ from: justAfter, subjectId: '3' })).toEqual([]);
    expect(await entries({ to: '2000-01-01' })).toEqual([]);
    expect(await entries({ id: [first.id] })).toEqual([first]);

    expect((await asAuditor(`/admin/audit-log/${first.id}`).expect(200)).body).toEqual(first);
    expect((await asAuditor(`/admin/audit-log/${randomUUID()}`).expect(404)).body.code).toBe('AUDIT_ENTRY_NOT_FOUND');
    await asAuditor('/admin/audit-log/not-a-uuid').expect(404);
  });

  it('answers bad list parameters with 422 naming the parameter', async () => {
    const sort = await asAuditor('/admin/audit-log', { sort: '["hash","ASC"]', range: '[0,1000]' }).expect(422);
    expect(Object.keys(sort.body.errors).sort()).toEqual(['range', 'sort']);
    const filter = await asAuditor('/admin/audit-log', { filter: '{"actorType":"robot","from":"soon"}' }).expect(422);
    expect(filter.body.errors.filter).toMatch(/actorType must be one of .*; from must be an ISO 8601 date/);
    const unknown = await asAuditor('/admin/audit-log', { filter: '{"ip":"127.0.0.1"}' }).expect(422);
    expect(unknown.body.errors.filter).toMatch(/Filtering by ip is not supported/);
  });

  it('is refused UPDATE, TRUNCATE and the DELETE of unarchived entries by PostgreSQL on the application connection', async () => {
    for (const sql of ['UPDATE audit_log SET details = \'{}\'', 'UPDATE audit_log SET action = action WHERE false', 'TRUNCATE audit_log']) {
      await expect(dataSource.query(sql)).rejects.toThrow(/audit_log is append-only: (UPDATE|TRUNCATE) is not allowed/);
    }
    // Only entries an archived segment covers may leave the table (docs/audit-log.md, decision 021).
    await expect(dataSource.query('DELETE FROM audit_log WHERE sequence = 1')).rejects.toThrow(/audit_log entry 1 is not archived/);
    await expect(dataSource.query('DELETE FROM audit_chain_head')).rejects.toThrow(/audit_chain_head cannot be changed by DELETE/);
    await expect(dataSource.query('UPDATE audit_chain_head SET last_sequence = 0')).rejects.toThrow(/only moves forward/);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it('removes the entry together with the change it records when the transaction rolls back', async () => {
    const before = await head();
    const email = `rollback-${randomBytes(4).toString('hex')}@example.test`;
    let recorded: { id: string; sequence: number } | undefined;
    await expect(
      dataSource.transaction(async (m) => {
        const [user] = (await m.query(`INSERT INTO users (email) VALUES ($1) RETURNING id`, [email])) as Array<{ id: string }>;
        recorded = await audit.record({ action: 'user.create', actor: { type: 'system', id: 'audit-e2e' }, subject: { type: 'user', id: user?.id } }, m);
        throw new Error('the change failed after it was audited');
      }),
    ).rejects.toThrow('the change failed after it was audited');
    expect(recorded?.sequence).toBe(before + 1);
    expect(await dataSource.query('SELECT 1 FROM users WHERE email = $1', [email])).toEqual([]);
    expect(await dataSource.query('SELECT 1 FROM audit_log WHERE id = $1', [recorded?.id])).toEqual([]);
    expect(await head()).toBe(before);
    // The rolled-back sequence number is reused: no gap.
    expect((await audit.record({ action: 'test.after_rollback', actor: { type: 'system', id: 'audit-e2e' } })).sequence).toBe(before + 1);
    expect(await verify()).toMatchObject({ valid: true });
  });

  it(`keeps one gap-free chain under ${WRITERS} concurrent transactions (some rolling back) and ${WRITERS} standalone writers`, async () => {
    const before = await head();
    // Every transaction opens and writes before any of them appends, so all of them contend for the chain at once.
    let arrived = 0;
    let release: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (release = resolve));
    const transactional = Array.from({ length: WRITERS }, (_, i) =>
      dataSource
        .transaction(async (m) => {
          const [user] = (await m.query(`INSERT INTO users (email) VALUES ($1) RETURNING id`, [`writer-${i}-${randomBytes(4).toString('hex')}@example.test`])) as Array<{ id: string }>;
          arrived += 1;
          if (arrived === WRITERS) release();
          await barrier;
          const appended = await audit.record({ action: 'user.create', actor: { type: 'system', id: 'audit-e2e' }, subject: { type: 'user', id: user?.id }, details: { writer: i } }, m);
          if (i % 4 === 0) throw new Error('rolled back on purpose');
          return { ...appended, userId: user?.id };
        })
        .then(
          (ok) => ({ committed: true as const, ...ok }),
          () => ({ committed: false as const }),
        ),
    );
    const standalone = Array.from({ length: WRITERS }, (_, i) =>
      audit.record({ action: 'test.standalone', actor: { type: 'system', id: 'audit-e2e' }, details: { writer: i } }),
    );
    const [tx, alone] = await Promise.all([Promise.all(transactional), Promise.all(standalone)]);

    const committed = tx.filter((r) => r.committed);
    expect(committed).toHaveLength(WRITERS - WRITERS / 4);
    const expectedCount = committed.length + alone.length;
    expect(await head()).toBe(before + expectedCount);
    const sequences = [...committed, ...alone].map((r) => r.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: expectedCount }, (_, i) => before + 1 + i));

    const stored: Array<{ subject_id: string }> = await dataSource.query(`SELECT subject_id FROM audit_log WHERE action = 'user.create' AND sequence > $1`, [before]);
    expect(stored.map((r) => r.subject_id).sort()).toEqual(committed.map((r) => r.userId).sort());
    const users: Array<{ n: string }> = await dataSource.query(`SELECT count(*) AS n FROM users WHERE email LIKE 'writer-%'`);
    expect(Number(users[0]?.n)).toBe(committed.length);
    const stats: Array<{ n: string; lo: string; hi: string }> = await dataSource.query('SELECT count(*) AS n, min(sequence) AS lo, max(sequence) AS hi FROM audit_log');
    expect(stats[0]).toEqual({ n: String(before + expectedCount), lo: '1', hi: String(before + expectedCount) });
    expect(await verify()).toEqual({ valid: true, checked: before + expectedCount });
  });

  describe('tampering behind the application\'s back (superuser, trigger disabled)', () => {
    let target: Entry;
    beforeAll(async () => {
      target = (await entries({ action: 'test.append', subjectId: '2' }))[0] as Entry;
    });

    /** The endpoint's verdict, which must agree with a verification in ranges of every small size (range boundaries). */
    async function verdict(): Promise<Record<string, unknown>> {
      const expected = await audit.verifyChain();
      for (const size of [1, 2, 3, 7]) expect(await audit.verifyChain(size, 3)).toEqual(expected);
      const answered = await verify();
      expect(answered).toEqual(expected);
      return answered;
    }

    it('names an edited entry (hash mismatch), even for a change of spacing, and verifies again once it is restored', async () => {
      await behindTheBack(`UPDATE audit_log SET details = '{"i":200}' WHERE sequence = ${target.sequence}`);
      expect(await verdict()).toEqual({
        valid: false,
        checked: target.sequence - 1,
        firstBrokenSequence: target.sequence,
        reason: 'hash_mismatch',
        detail: `Entry ${target.sequence} does not match its hash: it was changed after it was written.`,
      });
      await behindTheBack(`UPDATE audit_log SET details = '{"i": 2}' WHERE sequence = ${target.sequence}`);
      expect(await verdict()).toMatchObject({ firstBrokenSequence: target.sequence, reason: 'hash_mismatch' });
      await behindTheBack(`UPDATE audit_log SET details = '{"i":2}' WHERE sequence = ${target.sequence}`);
      expect(await verdict()).toMatchObject({ valid: true });
    });

    it('names the next entry when the edited entry was re-hashed (prev_hash mismatch)', async () => {
      // The attacker knows the format and recomputes the edited entry's hash; only the next link betrays it.
      const edited = { ...target, actorId: 'someone-else', detailsJson: canonicalJson(target.details as JsonValue) };
      const forged = linkHash(Buffer.from(target.prevHash, 'hex'), edited).toString('hex');
      await behindTheBack(`UPDATE audit_log SET actor_id = 'someone-else', hash = '\\x${forged}' WHERE sequence = ${target.sequence}`);
      expect(await verdict()).toMatchObject({ valid: false, firstBrokenSequence: target.sequence + 1, reason: 'prev_hash_mismatch' });
      await behindTheBack(`UPDATE audit_log SET actor_id = 'audit-e2e', hash = '\\x${target.hash}' WHERE sequence = ${target.sequence}`);
      expect(await verdict()).toMatchObject({ valid: true });
    });

    it('names the first missing sequence when entries were deleted', async () => {
      await behindTheBack(
        `CREATE TABLE audit_e2e_saved AS SELECT * FROM audit_log WHERE sequence BETWEEN ${target.sequence} AND ${target.sequence + 2}`,
        `DELETE FROM audit_log WHERE sequence BETWEEN ${target.sequence} AND ${target.sequence + 2}`,
      );
      expect(await verdict()).toMatchObject({
        valid: false,
        checked: target.sequence - 1,
        firstBrokenSequence: target.sequence,
        reason: 'sequence_gap',
        detail: `Entries ${target.sequence}–${target.sequence + 2} are missing before entry ${target.sequence + 3}.`,
      });
      await behindTheBack('INSERT INTO audit_log SELECT * FROM audit_e2e_saved', 'DROP TABLE audit_e2e_saved');
      expect(await verdict()).toMatchObject({ valid: true });
    });

    it('notices entries removed from the end of the log through the chain head', async () => {
      const last = await head();
      await behindTheBack(
        `CREATE TABLE audit_e2e_saved AS SELECT * FROM audit_log WHERE sequence > ${last - 2}`,
        `DELETE FROM audit_log WHERE sequence > ${last - 2}`,
      );
      expect(await audit.verifyChain()).toMatchObject({ valid: false, checked: last - 2, firstBrokenSequence: last - 1, reason: 'sequence_gap' });
      await behindTheBack('INSERT INTO audit_log SELECT * FROM audit_e2e_saved', 'DROP TABLE audit_e2e_saved');
      expect(await verdict()).toMatchObject({ valid: true });
    });
  });

  it('keeps one chain when another writer moved the head since this process last appended', async () => {
    const system = { type: 'system' as const, id: 'audit-e2e' };
    const first = await audit.record({ action: 'test.head_moved', actor: system });
    const between = await dataSource.transaction((m) => audit.record({ action: 'test.head_moved', actor: system }, m));
    const after = await audit.record({ action: 'test.head_moved', actor: system });
    expect([between.sequence, after.sequence]).toEqual([first.sequence + 1, first.sequence + 2]);

    // A second API process on the same database: each one's view of the head goes stale all the time.
    const other = await startTestApp({ db: t.db, env: { DATABASE_POOL_SIZE: '20' } });
    try {
      const before = await head();
      const writes = Array.from({ length: 60 }, (_, i) => (i % 2 === 0 ? audit : other.app.get(AuditService)).record({ action: 'test.two_processes', actor: system, details: { i } }));
      const results = await Promise.all(writes);
      expect(results.map((r) => r.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 60 }, (_, i) => before + 1 + i));
    } finally {
      await other.close();
    }
    expect(await audit.verifyChain()).toMatchObject({ valid: true });
  });

  it('computes in PostgreSQL exactly the canonical entry and hash that Node computes, for awkward text', async () => {
    const awkward = 'quote " backslash \\ slash / tab \t newline \n cr \r \b \f \u0001 \u001f del \u007f é € 😀 \u2028';
    const appended = await audit.record({
      action: 'test.awkward_text',
      actor: { type: 'agent', id: awkward, role: awkward },
      subject: { type: 'odd_thing', id: awkward },
      requestId: awkward,
      ip: '2001:db8::1',
      details: { [awkward]: [awkward, 1e21, 1e-7, -0.5, null, true], nested: { b: 1, a: 2 } },
      occurredAt: new Date('2031-02-03T04:05:06.007Z'),
    });
    const [row] = (await dataSource.query(`SELECT ${CANONICAL_ENTRY_SQL} AS canonical, prev_hash, hash FROM audit_log a WHERE a.id = $1`, [appended.id])) as Array<{
      canonical: string;
      prev_hash: Buffer;
      hash: Buffer;
    }>;
    const stored = (await asAuditor(`/admin/audit-log/${appended.id}`).expect(200)).body as Entry;
    const fields = { ...stored, detailsJson: canonicalJson(stored.details as JsonValue) };
    expect(row?.canonical).toBe(canonicalEntry(fields));
    expect(linkHash(row?.prev_hash as Buffer, fields).toString('hex')).toBe(appended.hash);
    expect(row?.hash.toString('hex')).toBe(appended.hash);
    expect(await audit.verifyChain()).toMatchObject({ valid: true });
  });

  it('also refuses changes through revoked privileges when the owner is not a superuser and disables the trigger', async () => {
    const role = `soar2_audit_owner_${randomBytes(4).toString('hex')}`;
    const secret = randomBytes(12).toString('hex');
    const admin = new Client({ connectionString: t.db.url });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD '${secret}'`);
    await admin.query(`CREATE DATABASE ${role} OWNER ${role}`);
    const url = new URL(t.db.url);
    url.username = role;
    url.password = secret;
    url.pathname = `/${role}`;
    try {
      await runMigrations(url.toString());
      const owner = new DataSource(dataSourceOptions(url.toString(), 1));
      await owner.initialize();
      try {
        await owner.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only');
        await expect(owner.query('UPDATE audit_log SET action = action')).rejects.toThrow(/permission denied for table audit_log/);
        await expect(owner.query('TRUNCATE audit_log')).rejects.toThrow(/permission denied for table audit_log/);
        await owner.query(`INSERT INTO audit_log (id, sequence, occurred_at, actor_type, action, prev_hash, hash)
                           VALUES (gen_random_uuid(), 1, date_trunc('milliseconds', now()), 'system', 'test.insert', '\\x${'00'.repeat(32)}', '\\x${'00'.repeat(32)}')`);
        // DELETE is a privilege of the application (archiving needs it); the row trigger refuses unarchived entries.
        await expect(owner.query('DELETE FROM audit_log')).rejects.toThrow(/audit_log entry 1 is not archived/);
        await expect(owner.query('DELETE FROM audit_log_segments')).rejects.toThrow(/permission denied for table audit_log_segments/);
      } finally {
        await owner.destroy();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${role} WITH (FORCE)`);
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });
});
