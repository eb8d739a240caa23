// Decision 023: the audit log keeps the address of an end user's own action sealed with their data
// key (canonical format 2 hashes the sealed bytes), staff and system entries keep it clear, and
// entries written in format 1 before the change still verify, live and archived.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AuditArchiveService } from '../src/audit/audit-archive.service';
import { linkHash } from '../src/audit/audit-chain';
import { auditIpContext } from '../src/audit/audit-entry';
import { AuditService } from '../src/audit/audit.service';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { StorageService } from '../src/storage/storage.service';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(90_000);

const USER_IP = '203.0.113.50';
const STAFF_IP = '198.51.100.23';
const LEGACY_IP = '192.0.2.44';

interface Row {
  id: string;
  sequence: string;
  ip: string | null;
  ip_sealed: Buffer | null;
  format_version: number;
}

describe('audit log: end users’ addresses sealed with their data key (format 2)', () => {
  let t: TestApp;
  let ds: DataSource;
  let audit: AuditService;
  let keys: DataKeysService;
  let auditorToken: string;
  let userId: string;
  let userToken: string;
  let sealedEntryId: string;

  const row = async (id: string): Promise<Row> => ((await ds.query('SELECT id, sequence, ip, ip_sealed, format_version FROM audit_log WHERE id = $1', [id])) as Row[])[0] as Row;
  const asAuditor = (path: string, query: Record<string, string> = {}): request.Test => request(t.server).get(path).query(query).set('Authorization', `Bearer ${auditorToken}`);

  /** Appends an entry the way the code before decision 023 did (format 1, clear address): an old entry. */
  async function appendFormat1(actorId: string, ip: string): Promise<string> {
    return ds.transaction(async (m) => {
      const [head] = (await m.query('SELECT last_sequence, last_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE')) as Array<{ last_sequence: string; last_hash: Buffer }>;
      const fields = {
        id: randomUUID(),
        sequence: Number(head!.last_sequence) + 1,
        occurredAt: new Date().toISOString(),
        actorType: 'user',
        actorId,
        actorRole: null,
        action: 'test.legacy_entry',
        subjectType: null,
        subjectId: null,
        requestId: null,
        ip,
        detailsJson: '{}',
      };
      const hash = linkHash(head!.last_hash, fields);
      await m.query(
        `INSERT INTO audit_log (id, sequence, occurred_at, actor_type, actor_id, action, ip, details, prev_hash, hash, format_version)
         VALUES ($1, $2, $3, 'user', $4, 'test.legacy_entry', $5, '{}', $6, $7, 1)`,
        [fields.id, fields.sequence, fields.occurredAt, actorId, ip, head!.last_hash, hash],
      );
      await m.query('UPDATE audit_chain_head SET last_sequence = $1, last_hash = $2 WHERE id = 1', [fields.sequence, hash]);
      return fields.id;
    });
  }

  /** Runs statements as the superuser with the append-only trigger off: an attacker behind the application's back. */
  async function behindTheBack(statement: string, params: unknown[]): Promise<void> {
    const c = new Client({ connectionString: t.db.url });
    await c.connect();
    try {
      await c.query('BEGIN');
      await c.query('ALTER TABLE audit_log DISABLE TRIGGER ALL');
      await c.query(statement, params);
      await c.query('ALTER TABLE audit_log ENABLE TRIGGER ALL');
      await c.query('COMMIT');
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
    ds = t.app.get(DataSource);
    audit = t.app.get(AuditService);
    keys = t.app.get(DataKeysService);
    auditorToken = await issueStaffToken(t.app, await ensureStaff(t.app, 'auditor'));
    ({ id: userId, token: userToken } = await userWithToken(t.app, 'ines.sealed-audit@example.test'));
    // An entry from before format 2, with the clear address of a user's action, precedes everything below.
    await appendFormat1(userId, LEGACY_IP);
  });
  afterAll(() => t.close());

  it('stores the address of an end user’s own action only sealed with their key, bound to the entry', async () => {
    await request(t.server).put('/v1/me/preferences').set('Authorization', `Bearer ${userToken}`).set('X-Forwarded-For', USER_IP).send({ analytics: true }).expect(200);
    const [entry] = (await ds.query(`SELECT id FROM audit_log WHERE actor_type = 'user' AND actor_id = $1 AND format_version = 2 ORDER BY sequence DESC LIMIT 1`, [userId])) as Array<{ id: string }>;
    sealedEntryId = entry!.id;
    const stored = await row(sealedEntryId);
    expect(stored).toMatchObject({ ip: null, format_version: 2 });
    expect(stored.ip_sealed).toBeInstanceOf(Buffer);
    expect(stored.ip_sealed!.includes(Buffer.from(USER_IP))).toBe(false);
    expect(await keys.openText(userId, stored.ip_sealed!, auditIpContext(sealedEntryId))).toBe(USER_IP);
    // Bound to its entry: the same bytes do not open as another entry's address.
    await expect(keys.openText(userId, stored.ip_sealed!, auditIpContext(randomUUID()))).rejects.toThrow();
    const [clear] = (await ds.query(`SELECT count(*)::int AS n FROM audit_log r WHERE strpos(r::text, $1) > 0`, [USER_IP])) as Array<{ n: number }>;
    expect(clear!.n).toBe(0);
  });

  it('keeps the clear address of staff and system entries, in format 2 with no sealed address', async () => {
    const staff = await audit.record({ action: 'test.staff_action', actor: { type: 'staff', id: randomUUID(), role: 'admin' }, ip: STAFF_IP });
    const system = await audit.record({ action: 'test.system_action', actor: { type: 'system', id: 'test' }, ip: STAFF_IP });
    for (const { id } of [staff, system]) expect(await row(id)).toMatchObject({ ip: STAFF_IP, ip_sealed: null, format_version: 2 });
  });

  it('records no address for an end user whose key is already destroyed, also when erased earlier in the same transaction', async () => {
    const erased = await userWithToken(t.app, 'erased.sealed-audit@example.test');
    const inTransaction = await ds.transaction(async (m) => {
      await keys.destroy(erased.id, m);
      return audit.record({ action: 'test.user_action', actor: { type: 'user', id: erased.id }, ip: USER_IP }, m);
    });
    const standalone = await audit.record({ action: 'test.user_action', actor: { type: 'user', id: erased.id }, ip: USER_IP });
    for (const { id } of [inTransaction, standalone]) expect(await row(id)).toMatchObject({ ip: null, ip_sealed: null, format_version: 2 });
  });

  it('seals in the caller’s transaction for a user who has no key yet (the key is made on its own connection)', async () => {
    const fresh = randomUUID();
    const appended = await ds.transaction((m) => audit.record({ action: 'test.user_action', actor: { type: 'user', id: fresh }, ip: USER_IP }, m));
    const stored = await row(appended.id);
    expect(stored.ip).toBeNull();
    expect(await keys.openText(fresh, stored.ip_sealed!, auditIpContext(appended.id))).toBe(USER_IP);
  });

  it('shows the console the opened address, records that read, and shows null once the key is destroyed', async () => {
    const owner = await userWithToken(t.app, 'shown.sealed-audit@example.test');
    const appended = await audit.record({ action: 'test.user_action', actor: { type: 'user', id: owner.id }, ip: USER_IP });
    const readsBefore = (await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'audit_log.read_ip' AND subject_id = $1`, [owner.id])) as Array<{ n: number }>;

    const one = await asAuditor(`/admin/audit-log/${appended.id}`).expect(200);
    expect(one.body).toMatchObject({ id: appended.id, ip: USER_IP, formatVersion: 2, ipSealed: expect.any(String) });
    const list = await asAuditor('/admin/audit-log', { filter: JSON.stringify({ actorId: owner.id }) }).expect(200);
    expect(list.body).toEqual([expect.objectContaining({ id: appended.id, ip: USER_IP })]);
    const reads = (await ds.query(
      `SELECT actor_type, subject_type, details FROM audit_log WHERE action = 'audit_log.read_ip' AND subject_id = $1 ORDER BY sequence`,
      [owner.id],
    )) as Array<{ actor_type: string; subject_type: string; details: { view: string; entryIds: string[]; userIds: string[] } }>;
    expect(reads.length - readsBefore[0]!.n).toBe(2);
    expect(reads.map((r) => [r.actor_type, r.subject_type, r.details.view, r.details.entryIds])).toEqual([
      ['staff', 'user', 'entry', [appended.id]],
      ['staff', 'user', 'list', [appended.id]],
    ]);

    await keys.destroy(owner.id);
    const after = await asAuditor(`/admin/audit-log/${appended.id}`).expect(200);
    expect(after.body).toMatchObject({ id: appended.id, ip: null, ipSealed: one.body.ipSealed });
    const listAfter = await asAuditor('/admin/audit-log', { filter: JSON.stringify({ actorId: owner.id }) }).expect(200);
    expect(listAfter.body).toEqual([expect.objectContaining({ id: appended.id, ip: null })]);
    // Nothing was opened, so nothing more was recorded as read.
    const [readsAfter] = (await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'audit_log.read_ip' AND subject_id = $1`, [owner.id])) as Array<{ n: number }>;
    expect(readsAfter!.n).toBe(reads.length);
  });

  it('verifies a chain that starts with a format 1 entry and continues in format 2', async () => {
    const [legacy] = (await ds.query(`SELECT format_version, ip, ip_sealed FROM audit_log WHERE action = 'test.legacy_entry'`)) as Row[];
    expect(legacy).toMatchObject({ format_version: 1, ip: LEGACY_IP, ip_sealed: null });
    expect(await audit.verifyChain()).toMatchObject({ valid: true });
    for (const size of [1, 2, 5]) expect(await audit.verifyChain(size, 2)).toMatchObject({ valid: true });
  });

  it('names the entry whose sealed address or format version was changed behind the application’s back', async () => {
    const target = await row(sealedEntryId);
    const sequence = Number(target.sequence);
    const other = await keys.seal(userId, '192.0.2.99', auditIpContext(sealedEntryId));
    await behindTheBack('UPDATE audit_log SET ip_sealed = $1 WHERE id = $2', [other, sealedEntryId]);
    expect(await audit.verifyChain()).toMatchObject({ valid: false, firstBrokenSequence: sequence, reason: 'hash_mismatch' });
    await behindTheBack('UPDATE audit_log SET ip_sealed = $1 WHERE id = $2', [target.ip_sealed, sealedEntryId]);
    expect(await audit.verifyChain()).toMatchObject({ valid: true });

    const [clear] = (await ds.query(`SELECT id, sequence FROM audit_log WHERE action = 'test.staff_action'`)) as Row[];
    await behindTheBack('UPDATE audit_log SET format_version = 1 WHERE id = $1', [clear!.id]);
    expect(await audit.verifyChain()).toMatchObject({ valid: false, firstBrokenSequence: Number(clear!.sequence), reason: 'hash_mismatch' });
    await behindTheBack('UPDATE audit_log SET format_version = 2 WHERE id = $1', [clear!.id]);
    expect(await audit.verifyChain()).toMatchObject({ valid: true });
  });

  it('archives format 1 and format 2 entries into a segment that verifies and holds the sealed address, never the clear one', async () => {
    const sealed = (await row(sealedEntryId)).ip_sealed!.toString('base64');
    const segment = await t.app.get(AuditArchiveService).archiveNext(new Date());
    expect(segment).toBeDefined();
    await audit.record({ action: 'test.user_action', actor: { type: 'user', id: userId }, ip: USER_IP });
    const verdict = await audit.verifyChain();
    expect(verdict).toMatchObject({ valid: true, archive: { segments: 1, entriesInFiles: segment!.entryCount, filesPurged: 0 } });

    const { stream } = await t.app.get(StorageService).get(segment!.storageKey);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const sealedLine = text.split('\n').find((l) => l.includes(sealedEntryId));
    expect(sealedLine).toContain(`"format":2,"id":"${sealedEntryId}","ip":null,"ipSealed":"${sealed}"`);
    expect(text.includes(USER_IP)).toBe(false);
    expect(text).toContain(`"ip":"${LEGACY_IP}"`);
  });
});
