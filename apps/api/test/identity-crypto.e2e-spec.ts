// Decision 020: accounts are found by a keyed email hash; access-log IPs and user agents are sealed
// with the user's data key (console, access package, after erasure); the start-up backfill fills
// what a migration cannot (hashes and seals need configured keys).
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { AccessLogService } from '../src/identity/access-log.service';
import { EmailLookupService } from '../src/identity/email-lookup.service';
import { IdentityBackfillService } from '../src/identity/identity-backfill.service';
import { UsersService } from '../src/identity/users.service';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken } from './support/tokens';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';

describe('identity crypto: keyed email lookup and sealed access log', () => {
  let t: TestApp;
  let ds: DataSource;
  let officer: string;
  let agent: string;

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    officer = await issueStaffToken(t.app, await ensureStaff(t.app, 'privacy_officer'));
    agent = await issueStaffToken(t.app, await ensureStaff(t.app, 'support_agent'));
  });
  afterAll(() => t.close());

  it('backfills the lookup hash of accounts written before it, skips erased ones and reports addresses that collide', async () => {
    const rows = (await ds.query(
      `INSERT INTO users (email, status) VALUES ('legacy.one@example.test', 'active'), (' legacy.two@example.test', 'active'), ('legacy.two@example.test', 'active'),
              ('erased+' || gen_random_uuid()::text || '@erased.invalid', 'deleted')
       RETURNING id, email`,
    )) as Array<{ id: string; email: string }>;
    const users = t.app.get(UsersService);
    expect(await users.findByEmail('legacy.one@example.test')).toBeNull();

    const result = await t.app.get(IdentityBackfillService).run();
    expect(result.emailLookups).toBeGreaterThanOrEqual(2);
    expect((await users.findByEmail('LEGACY.ONE@example.test'))?.id).toBe(rows[0]!.id);
    // Two legacy rows for one normalised address (the column is lower case, but was never trimmed): one gets the hash, the other is reported, none is lost.
    const two = rows.filter((r) => r.email.trim() === 'legacy.two@example.test').map((r) => r.id);
    expect(two).toContain((await users.findByEmail('legacy.two@example.test'))?.id);
    expect(result.emailLookupConflicts).toHaveLength(1);
    expect(two).toContain(result.emailLookupConflicts[0]);
    const [erased] = (await ds.query('SELECT email_lookup FROM users WHERE id = $1', [rows[3]!.id])) as Array<{ email_lookup: Buffer | null }>;
    expect(erased!.email_lookup).toBeNull();
    // A second run finds nothing new (the conflict is reported again until someone resolves it).
    expect((await t.app.get(IdentityBackfillService).run()).emailLookups).toBe(0);
  });

  it('gives a hash-less account (written by a previous version during a rolling deploy) its hash when its owner signs in, instead of creating another', async () => {
    const [legacy] = (await ds.query(`INSERT INTO users (email, status) VALUES ('rolling.deploy@example.test', 'active') RETURNING id`)) as Array<{ id: string }>;
    const { user, created } = await ds.transaction((m) => t.app.get(UsersService).createOnFirstSignIn('rolling.deploy@example.test', m));
    expect({ id: user.id, created }).toEqual({ id: legacy!.id, created: false });
    expect((await t.app.get(UsersService).findByEmail('rolling.deploy@example.test'))?.id).toBe(legacy!.id);
  });

  it('recomputes every hash with rehash, as after a change of EMAIL_LOOKUP_KEY', async () => {
    const user = await t.app.get(UsersService).ensure('rehash.me@example.test', 'Rehash', 'EU');
    await ds.query(`UPDATE users SET email_lookup = decode(repeat('ab', 32), 'hex') WHERE id = $1`, [user.id]);
    expect(await t.app.get(UsersService).findByEmail('rehash.me@example.test')).toBeNull();
    await t.app.get(IdentityBackfillService).run({ rehash: true });
    expect((await t.app.get(UsersService).findByEmail('rehash.me@example.test'))?.id).toBe(user.id);
  });

  it('seals access-log IPs and user agents written in clear before, and the console and the access package read them', async () => {
    const user = await t.app.get(UsersService).ensure('legacy.log@example.test', 'Legacy Log', 'EU');
    await ds.query(`INSERT INTO access_log (user_id, event, ip, user_agent, device_type, browser, os) VALUES ($1, 'login', '192.0.2.44', $2, 'desktop', 'Firefox 127', 'Windows 10/11')`, [user.id, FIREFOX]);
    expect(await t.app.get(IdentityBackfillService).sealAccessLog()).toBe(1);
    const [row] = (await ds.query('SELECT id, ip, user_agent, ip_sealed, user_agent_sealed FROM access_log WHERE user_id = $1', [user.id])) as Array<{
      id: string;
      ip: string | null;
      user_agent: string | null;
      ip_sealed: Buffer;
      user_agent_sealed: Buffer;
    }>;
    expect([row!.ip, row!.user_agent]).toEqual([null, null]);
    expect(row!.ip_sealed.includes(Buffer.from('192.0.2.44'))).toBe(false);
    expect(await t.app.get(DataKeysService).openText(user.id, row!.user_agent_sealed, `access_log.user_agent:${row!.id}`)).toBe(FIREFOX);

    const detail = await request(t.server).get(`/admin/users/${user.id}`).set('Authorization', `Bearer ${officer}`).expect(200);
    expect(detail.body.accessLog).toEqual([expect.objectContaining({ ip: '192.0.2.44', deviceType: 'desktop', browser: 'Firefox 127' })]);
    const source = t.app.get(PersonalDataRegistry).get('identity.access_log')!;
    const records = await collectRecords(source, { userId: user.id });
    expect(records.map((r) => r.data)).toEqual([expect.objectContaining({ ip: '192.0.2.44', userAgent: FIREFOX, device: { type: 'desktop', browser: 'Firefox 127', os: 'Windows 10/11' } })]);
  });

  it('shows the access log without IPs once the user’s data key is destroyed, keeping device, browser and OS', async () => {
    const user = await t.app.get(UsersService).ensure('shredded.log@example.test', 'Shredded', 'EU');
    await t.app.get(AccessLogService).record({ userId: user.id, sessionId: null, event: 'login', client: { ip: '198.51.100.9', userAgent: FIREFOX } });
    const before = await t.app.get(AccessLogService).recentForUser(user.id, 10);
    expect(before.map((e) => e.ip)).toEqual(['198.51.100.9']);
    await t.app.get(DataKeysService).destroy(user.id);
    const after = await request(t.server).get(`/admin/users/${user.id}`).set('Authorization', `Bearer ${officer}`).expect(200);
    expect(after.body.accessLog).toEqual([expect.objectContaining({ ip: null, deviceType: 'desktop', browser: 'Firefox 127', os: 'Windows 10/11' })]);
    const records = await collectRecords(t.app.get(PersonalDataRegistry).get('identity.access_log')!, { userId: user.id });
    expect(records.map((r) => [r.data.ip, r.data.userAgent])).toEqual([[null, null]]);
    // The detail read stays audited.
    const audited = (await ds.query(`SELECT details FROM audit_log WHERE action = 'user.read' AND subject_id = $1`, [user.id])) as Array<{ details: { accessLogEntries: number } }>;
    expect(audited.map((a) => a.details.accessLogEntries)).toEqual([1]);
  });

  it('finds a whole address in the console through the hash, and still matches part of one', async () => {
    const user = await t.app.get(UsersService).ensure('console.exact@example.test', 'Exact', 'EU');
    // The contact column says something else: only the hash can match the whole address.
    await ds.query(`UPDATE users SET email = 'c.exact@example.test' WHERE id = $1`, [user.id]);
    const exact = await request(t.server).get('/admin/users').query({ filter: JSON.stringify({ q: 'Console.Exact@example.test' }) }).set('Authorization', `Bearer ${agent}`).expect(200);
    expect(exact.body.map((u: { id: string }) => u.id)).toEqual([user.id]);
    const partial = await request(t.server).get('/admin/users').query({ filter: JSON.stringify({ q: 'c.exact@' }) }).set('Authorization', `Bearer ${agent}`).expect(200);
    expect(partial.body.map((u: { id: string }) => u.id)).toEqual([user.id]);
    expect(JSON.stringify(exact.body)).not.toMatch(/emailLookup|email_lookup/);
    expect(t.app.get(EmailLookupService).of('console.exact@example.test')).toHaveLength(32);
  });
});
