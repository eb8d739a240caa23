// Decision 022: the consent ledger's IPs and user agents are sealed with the user's data key. The
// console, the Kantara receipts of the access package and the eraser read or clear them; the
// start-up backfill seals legacy clear values; the append-only trigger allows nothing else.
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ConsentBackfillService } from '../src/consent/consent-backfill.service';
import { ConsentService } from '../src/consent/consent.service';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(60_000);

const IP = '203.0.113.77';
const UA = 'SealedConsentTest/3.1';

interface StoredRow {
  id: string;
  ip: string | null;
  user_agent: string | null;
  ip_sealed: Buffer | null;
  user_agent_sealed: Buffer | null;
}

describe('consent ledger: IPs and user agents sealed with the user’s data key', () => {
  let t: TestApp;
  let ds: DataSource;
  let officer: string;
  let officerToken: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
    ds = t.app.get(DataSource);
    officer = await ensureStaff(t.app, 'privacy_officer');
    officerToken = await issueStaffToken(t.app, officer);
  });
  afterAll(() => t.close());

  const stored = (userId: string): Promise<StoredRow[]> =>
    ds.query('SELECT id, ip, user_agent, ip_sealed, user_agent_sealed FROM consent_records WHERE user_id = $1 ORDER BY recorded_at, id', [userId]);

  async function consentViaHttp(email: string): Promise<{ userId: string; row: StoredRow }> {
    const u = await userWithToken(t.app, email);
    await request(t.server).put('/v1/me/preferences').set('Authorization', `Bearer ${u.token}`).set('X-Forwarded-For', IP).set('User-Agent', UA).send({ analytics: true }).expect(200);
    const [row] = await stored(u.id);
    if (!row) throw new Error('no consent entry was written');
    return { userId: u.id, row };
  }

  it('stores no clear IP or user agent for a consent change made over HTTP, only sealed ones bound to the entry', async () => {
    const { userId, row } = await consentViaHttp('sealed.write@example.test');
    expect([row.ip, row.user_agent]).toEqual([null, null]);
    expect(row.ip_sealed?.includes(Buffer.from(IP))).toBe(false);
    expect(row.user_agent_sealed?.includes(Buffer.from(UA))).toBe(false);
    const keys = t.app.get(DataKeysService);
    expect(await keys.openText(userId, row.ip_sealed!, `consent_records.ip:${row.id}`)).toBe(IP);
    expect(await keys.openText(userId, row.user_agent_sealed!, `consent_records.user_agent:${row.id}`)).toBe(UA);
    // Bound to its row: another entry's context does not open it.
    await expect(keys.openText(userId, row.ip_sealed!, `consent_records.ip:00000000-0000-0000-0000-000000000000`)).rejects.toMatchObject({ status: expect.any(Number) });
    expect(JSON.stringify(t.logs)).not.toContain(IP);
  });

  it('shows the IP and user agent in the console record and list views and in the Kantara receipts of the access package', async () => {
    const { userId, row } = await consentViaHttp('sealed.read@example.test');
    const one = await request(t.server).get(`/admin/consents/${row.id}`).set('Authorization', `Bearer ${officerToken}`).expect(200);
    expect(one.body).toMatchObject({ id: row.id, ip: IP, userAgent: UA, purpose: 'analytics', granted: true });
    const list = await request(t.server).get('/admin/consents').query({ filter: JSON.stringify({ userId }) }).set('Authorization', `Bearer ${officerToken}`).expect(200);
    expect(list.body).toEqual([expect.objectContaining({ id: row.id, ip: IP, userAgent: UA })]);

    const source = t.app.get(PersonalDataRegistry).get('consent.records')!;
    const [receipt] = await collectRecords(source, { userId });
    expect(receipt?.data).toMatchObject({ consentReceiptID: row.id, ip: IP, userAgent: UA, granted: true });
  });

  it('shows null instead of the IP and user agent once the user’s key is destroyed, and the staff reads stay audited', async () => {
    const { userId, row } = await consentViaHttp('sealed.shredded@example.test');
    await t.app.get(DataKeysService).destroy(userId);

    const one = await request(t.server).get(`/admin/consents/${row.id}`).set('Authorization', `Bearer ${officerToken}`).expect(200);
    expect(one.body).toMatchObject({ id: row.id, ip: null, userAgent: null, purpose: 'analytics', granted: true });
    const list = await request(t.server).get('/admin/consents').query({ filter: JSON.stringify({ userId }) }).set('Authorization', `Bearer ${officerToken}`).expect(200);
    expect(list.body).toEqual([expect.objectContaining({ id: row.id, ip: null, userAgent: null, granted: true })]);
    const [receipt] = await collectRecords(t.app.get(PersonalDataRegistry).get('consent.records')!, { userId });
    expect(receipt?.data).toMatchObject({ consentReceiptID: row.id, ip: null, userAgent: null, granted: true });

    const audited = (await ds.query(`SELECT action FROM audit_log WHERE actor_id = $1 AND subject_id = $2 ORDER BY sequence`, [officer, userId])) as Array<{ action: string }>;
    expect(audited.map((a) => a.action)).toEqual(['consent.read', 'consent.list']);
  });

  it('records an entry without IP or user agent for a person whose key is already destroyed (e.g. an unsubscribe link used after erasure)', async () => {
    const u = await userWithToken(t.app, 'sealed.after.erasure@example.test');
    await t.app.get(DataKeysService).destroy(u.id);
    const view = await t.app.get(ConsentService).record({ userId: u.id, purpose: 'marketing_emails', granted: false, source: 'user', ip: IP, userAgent: UA, onlyIfChanged: false });
    expect(view).toMatchObject({ granted: false, ip: null, userAgent: null });
    expect((await stored(u.id)).map((r) => [r.ip, r.user_agent, r.ip_sealed, r.user_agent_sealed])).toEqual([[null, null, null, null]]);
  });

  it('the backfill seals legacy clear values and clears them, drops those of erased people, and finds nothing on a second run', async () => {
    const live = await userWithToken(t.app, 'legacy.consent@example.test');
    const erased = await userWithToken(t.app, 'legacy.erased.consent@example.test');
    await t.app.get(DataKeysService).destroy(erased.id);
    await ds.query(
      `INSERT INTO consent_records (user_id, purpose, granted, source, policy_version, ip, user_agent) VALUES
         ($1, 'analytics', true, 'user', '1.0', '192.0.2.10', 'Legacy/1.0'),
         ($1, 'analytics', false, 'gpc', '1.0', '2001:db8::5', NULL),
         ($2, 'marketing_emails', true, 'user', '1.0', '192.0.2.11', 'Legacy/2.0')`,
      [live.id, erased.id],
    );

    expect(await t.app.get(ConsentBackfillService).sealLegacyClientInfo(1)).toBe(3);
    const rows = await stored(live.id);
    expect(rows.map((r) => [r.ip, r.user_agent, r.user_agent_sealed === null])).toEqual([
      [null, null, false],
      [null, null, true],
    ]);
    const history = await t.app.get(ConsentService).history(live.id);
    expect(history.map((h) => [h.ip, h.userAgent])).toEqual([
      ['192.0.2.10', 'Legacy/1.0'],
      ['2001:db8::5', null],
    ]);
    expect((await stored(erased.id)).map((r) => [r.ip, r.user_agent, r.ip_sealed, r.user_agent_sealed])).toEqual([[null, null, null, null]]);

    expect(await t.app.get(ConsentBackfillService).sealLegacyClientInfo()).toBe(0);
  });

  it('the trigger allows only moving clear values into sealed ones and clearing them; every other change is refused', async () => {
    const { userId, row } = await consentViaHttp('sealed.trigger@example.test');
    const refused = /append-only/;
    const other = Buffer.from('not the sealed value');
    // A sealed value cannot be replaced, nor a clear value put back, nor the entry changed.
    await expect(ds.query(`UPDATE consent_records SET ip_sealed = $2 WHERE id = $1`, [row.id, other])).rejects.toThrow(refused);
    await expect(ds.query(`UPDATE consent_records SET user_agent_sealed = $2 WHERE id = $1`, [row.id, other])).rejects.toThrow(refused);
    await expect(ds.query(`UPDATE consent_records SET ip = '192.0.2.1' WHERE id = $1`, [row.id])).rejects.toThrow(refused);
    await expect(ds.query(`UPDATE consent_records SET granted = false, ip_sealed = NULL WHERE id = $1`, [row.id])).rejects.toThrow(refused);
    await expect(ds.query(`DELETE FROM consent_records WHERE id = $1`, [row.id])).rejects.toThrow(refused);
    await expect(ds.query(`TRUNCATE consent_records CASCADE`)).rejects.toThrow(refused);

    // A sealed value cannot appear where there was no clear value to move.
    const bare = await userWithToken(t.app, 'sealed.trigger.bare@example.test');
    await t.app.get(ConsentService).record({ userId: bare.id, purpose: 'analytics', granted: true, source: 'user' });
    await expect(ds.query(`UPDATE consent_records SET ip_sealed = $2 WHERE user_id = $1`, [bare.id, other])).rejects.toThrow(refused);
    // A legacy move that also changes the entry is refused.
    const [legacy] = (await ds.query(`INSERT INTO consent_records (user_id, purpose, granted, source, ip) VALUES ($1, 'analytics', true, 'user', '192.0.2.12') RETURNING id`, [bare.id])) as Array<{ id: string }>;
    await expect(ds.query(`UPDATE consent_records SET ip_sealed = $2, ip = NULL, source = 'admin' WHERE id = $1`, [legacy!.id, other])).rejects.toThrow(refused);
    await expect(ds.query(`UPDATE consent_records SET ip_sealed = $2 WHERE id = $1`, [legacy!.id, other])).rejects.toThrow(refused);

    // Erasure: the sealed values go, the entry (the proof) stays.
    const source = t.app.get(PersonalDataRegistry).get('consent.records')!;
    expect(await source.erase({ userId })).toMatchObject({ anonymised: 1, retained: [{ count: 1 }] });
    expect((await stored(userId)).map((r) => [r.ip, r.user_agent, r.ip_sealed, r.user_agent_sealed])).toEqual([[null, null, null, null]]);
    const [after] = (await ds.query(`SELECT granted, purpose FROM consent_records WHERE id = $1`, [row.id])) as Array<{ granted: boolean; purpose: string }>;
    expect(after).toEqual({ granted: true, purpose: 'analytics' });
  });
});
