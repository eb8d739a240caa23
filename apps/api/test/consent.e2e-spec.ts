// The consent ledger end to end: preferences, the outbox's marketing gate (real SMTP peer), RFC 8058
// one-click unsubscribe, Global Privacy Control with raw repeated headers, the console's ledger view,
// and the personal-data export/erasure of consent entries.
import { request as httpRequest } from 'node:http';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ConsentService } from '../src/consent/consent.service';
import { NO_MARKETING_CONSENT } from '../src/consent/ledger-consent.gate';
import { NotificationsService } from '../src/notifications/notifications.service';
import { OutboxDeliveryWorker } from '../src/notifications/outbox-delivery.worker';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { SmtpPeer } from './support/smtp-peer';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(60_000);

interface OutboxRow {
  status: string;
  last_error: string | null;
  headers: Record<string, string>;
}

async function waitForStatus(ds: DataSource, id: string, statuses: string[]): Promise<OutboxRow> {
  const deadline = Date.now() + 20_000;
  let row: OutboxRow | undefined;
  while (Date.now() < deadline) {
    [row] = (await ds.query('SELECT status, last_error, headers FROM notifications WHERE id = $1', [id])) as OutboxRow[];
    if (row && statuses.includes(row.status)) return row;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`notification ${id} never reached ${statuses.join('/')}; last seen ${JSON.stringify(row)}`);
}

/** A raw request with the headers exactly as given (repeated names stay repeated, unlike fetch). */
function rawGet(url: string, headers: string[]): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    // An array of headers gets no defaults from Node: Host is required by HTTP/1.1.
    const req = httpRequest(url, { method: 'GET', headers: ['Host', new URL(url).host, ...headers] }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('consent ledger, preferences, unsubscribe and GPC', () => {
  let peer: SmtpPeer;
  let t: TestApp;
  let ds: DataSource;

  beforeAll(async () => {
    peer = await SmtpPeer.start();
    t = await startTestApp({ env: { SMTP_URL: peer.url, OUTBOX_POLL_MS: '20', PUBLIC_URL: 'https://api.soar2.test' } });
    ds = t.app.get(DataSource);
  });

  afterAll(async () => {
    await t?.close();
    await peer?.close();
  });

  async function ledger(userId: string): Promise<Array<{ purpose: string; granted: boolean; source: string; policy_version: string | null }>> {
    return ds.query('SELECT purpose, granted, source, policy_version FROM consent_records WHERE user_id = $1 ORDER BY recorded_at, id', [userId]);
  }

  it('starts with opt-in purposes off and sale/sharing allowed; PUT records each change in the ledger with the policy version', async () => {
    const u = await userWithToken(t.app, 'prefs@example.test');
    const initial = await request(t.server).get('/v1/me/preferences').set('Authorization', `Bearer ${u.token}`).expect(200);
    expect(initial.body).toEqual({ marketingEmails: false, analytics: false, productImprovement: false, doNotSellOrShare: false, gpcHonouredAt: null });

    const put = await request(t.server)
      .put('/v1/me/preferences')
      .set('Authorization', `Bearer ${u.token}`)
      .set('User-Agent', 'PrefsTest/1.0')
      .send({ marketingEmails: true, analytics: true })
      .expect(200);
    expect(put.body).toMatchObject({ marketingEmails: true, analytics: true, productImprovement: false });
    // The same choice again adds nothing; a withdrawal adds one entry.
    await request(t.server).put('/v1/me/preferences').set('Authorization', `Bearer ${u.token}`).send({ marketingEmails: true }).expect(200);
    await request(t.server).put('/v1/me/preferences').set('Authorization', `Bearer ${u.token}`).send({ analytics: false }).expect(200);
    expect(await ledger(u.id)).toEqual([
      { purpose: 'marketing_emails', granted: true, source: 'user', policy_version: '1.0' },
      { purpose: 'analytics', granted: true, source: 'user', policy_version: '1.0' },
      { purpose: 'analytics', granted: false, source: 'user', policy_version: '1.0' },
    ]);
    expect(await t.app.get(ConsentService).allows(u.id, 'analytics')).toBe(false);
    expect(await t.app.get(ConsentService).allows(u.id, 'marketing_emails')).toBe(true);
  });

  it('refuses unknown purposes and non-boolean values with 422 and a message per field', async () => {
    const u = await userWithToken(t.app, 'bad.prefs@example.test');
    const res = await request(t.server).put('/v1/me/preferences').set('Authorization', `Bearer ${u.token}`).send({ telepathy: true, analytics: 'yes' }).expect(422);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(res.body.errors as object).sort()).toEqual(['analytics', 'telepathy']);
    await expect(t.app.get(ConsentService).record({ userId: u.id, purpose: 'telepathy', granted: true, source: 'user' })).rejects.toMatchObject({ code: 'UNKNOWN_CONSENT_PURPOSE', status: 422 });
    expect(await ledger(u.id)).toEqual([]);
  });

  it('the ledger is append-only in PostgreSQL: UPDATE and DELETE are refused', async () => {
    const u = await userWithToken(t.app, 'append.only@example.test');
    await t.app.get(ConsentService).record({ userId: u.id, purpose: 'analytics', granted: true, source: 'user' });
    await expect(ds.query(`UPDATE consent_records SET granted = false WHERE user_id = $1`, [u.id])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM consent_records WHERE user_id = $1`, [u.id])).rejects.toThrow(/append-only/);
  });

  it('the outbox suppresses marketing without current consent, sends it with consent (with RFC 8058 headers), and always sends service-critical mail', async () => {
    const outbox = t.app.get(NotificationsService);
    const worker = t.app.get(OutboxDeliveryWorker);
    const without = await userWithToken(t.app, 'no.marketing@example.test');
    const withConsent = await userWithToken(t.app, 'yes.marketing@example.test');
    await t.app.get(ConsentService).record({ userId: withConsent.id, purpose: 'marketing_emails', granted: true, source: 'user' });

    const refused = await outbox.enqueue({ kind: 'marketing.winter', class: 'marketing', to: 'no.marketing@example.test', userId: without.id, subject: 'Winter offers', text: 'Offers.' });
    const critical = await outbox.enqueue({ kind: 'security.notice', class: 'service_critical', to: 'no.marketing@example.test', userId: without.id, subject: 'Security notice', text: 'A new sign-in.' });
    const allowed = await outbox.enqueue({ kind: 'marketing.winter', class: 'marketing', to: 'yes.marketing@example.test', userId: withConsent.id, subject: 'Winter offers', text: 'Offers.' });

    expect(await waitForStatus(ds, refused, ['suppressed'])).toMatchObject({ status: 'suppressed', last_error: NO_MARKETING_CONSENT });
    await waitForStatus(ds, critical, ['sent']);
    await waitForStatus(ds, allowed, ['sent']);
    await worker.deliverDue();
    expect(peer.messagesTo('no.marketing@example.test').map((m) => m.parsed.subject)).toEqual(['Security notice']);
    const [mail] = peer.messagesTo('yes.marketing@example.test');
    const header = (name: string): string | undefined => mail?.parsed.headers.find((h) => h.key === name)?.value;
    expect(header('list-unsubscribe')).toMatch(/^<https:\/\/api\.soar2\.test\/v1\/unsubscribe\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+>, <mailto:unsubscribe@soar2\.local\?subject=unsubscribe>$/);
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    // Consent withdrawn after queueing: the worker asks again and suppresses.
    const late = await outbox.enqueue({ kind: 'marketing.winter', class: 'marketing', to: 'yes.marketing@example.test', userId: withConsent.id, subject: 'Second offer', text: 'Offers.' });
    await t.app.get(ConsentService).optOutOfMarketing(withConsent.id, { source: 'privacy_request', reference: 'test-request', actor: { type: 'system', id: 'privacy-requests' } });
    expect(await waitForStatus(ds, late, ['suppressed', 'sent'])).toMatchObject({ status: 'suppressed' });
  });

  it('one-click unsubscribe works without sign-in, is idempotent, and refuses malformed or forged tokens', async () => {
    const u = await userWithToken(t.app, 'unsub@example.test');
    await t.app.get(ConsentService).record({ userId: u.id, purpose: 'marketing_emails', granted: true, source: 'user' });
    const id = await t.app.get(NotificationsService).enqueue({ kind: 'marketing.news', class: 'marketing', to: 'unsub@example.test', userId: u.id, subject: 'News', text: 'News.' });
    const row = await waitForStatus(ds, id, ['sent', 'queued', 'sending']);
    const link = /<(https:[^>]+)>/.exec(row.headers['List-Unsubscribe'] ?? '')?.[1] ?? '';
    const path = new URL(link).pathname;

    // A GET (a scanner prefetching the link) changes nothing.
    const page = await request(t.server).get(path).expect(200);
    expect(page.text).toContain('<form method="post">');
    expect(await t.app.get(ConsentService).allows(u.id, 'marketing_emails')).toBe(true);

    const first = await request(t.server).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(first.body).toEqual({ status: 'unsubscribed', purpose: 'marketing_emails' });
    expect(await t.app.get(ConsentService).allows(u.id, 'marketing_emails')).toBe(false);

    // Opt in again, then the old link is replayed: answered the same way, and the newer choice stands.
    await request(t.server).put('/v1/me/preferences').set('Authorization', `Bearer ${u.token}`).send({ marketingEmails: true }).expect(200);
    const replay = await request(t.server).post(path).type('form').send('List-Unsubscribe=One-Click').expect(200);
    expect(replay.body).toEqual({ status: 'already_unsubscribed', purpose: 'marketing_emails' });
    expect(await t.app.get(ConsentService).allows(u.id, 'marketing_emails')).toBe(true);
    expect((await ledger(u.id)).filter((e) => e.purpose === 'marketing_emails').map((e) => e.granted)).toEqual([true, false, true]);

    const token = path.split('/').pop() ?? '';
    const [payload, signature] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ tid: 'forged', userId: u.id, purpose: 'marketing_emails', iat: 1 })).toString('base64url')}.${signature}`;
    for (const bad of ['not-a-token', `${payload}.`, `${payload}.${signature}x`, forged, `${payload}.${signature}.extra`, '%00']) {
      const res = await request(t.server).post(`/v1/unsubscribe/${bad}`).expect(400);
      expect(res.body.code).toBe('UNSUBSCRIBE_TOKEN_INVALID');
    }
    await request(t.server).get('/v1/unsubscribe/garbage').expect(400);
  });

  it('honours Sec-GPC exactly: only 1, any of repeated headers, answers X-GPC-Honored, records once, and never opts back in', async () => {
    const u = await userWithToken(t.app, 'gpc@example.test');
    const url = `${t.url}/v1/me/preferences`;
    const auth = ['Authorization', `Bearer ${u.token}`];

    for (const value of ['0', 'true', 'yes', '1.0', '']) {
      const res = await rawGet(url, [...auth, 'Sec-GPC', value]);
      expect(res.status).toBe(200);
      expect(res.headers['x-gpc-honored']).toBeUndefined();
    }
    expect(await ledger(u.id)).toEqual([]);

    // Repeated headers: Node would join them into "0, 1"; any exact 1 counts.
    const repeated = await rawGet(url, [...auth, 'Sec-GPC', '0', 'Sec-GPC', '1']);
    expect(repeated.headers['x-gpc-honored']).toBe('1');
    expect(JSON.parse(repeated.body)).toMatchObject({ doNotSellOrShare: true });
    expect(await ledger(u.id)).toEqual([{ purpose: 'sale_sharing', granted: false, source: 'gpc', policy_version: '1.0' }]);

    // " 1": leading whitespace is not part of an HTTP field value, so this is the signal; already recorded, nothing added.
    const spaced = await rawGet(url, [...auth, 'Sec-GPC', ' 1']);
    expect(spaced.headers['x-gpc-honored']).toBe('1');
    const without = await rawGet(url, auth);
    expect(without.headers['x-gpc-honored']).toBeUndefined();
    expect(JSON.parse(without.body)).toMatchObject({ doNotSellOrShare: true });
    expect(await ledger(u.id)).toHaveLength(1);
    const state = await t.app.get(ConsentService).current(u.id);
    expect(state.gpc.honoured).toBe(true);
    expect(state.purposes.sale_sharing).toMatchObject({ granted: false, source: 'gpc' });

    // Anonymous requests get the answer header too; nothing is recorded for nobody.
    const anonymous = await rawGet(`${t.url}/.well-known/gpc.json`, ['Sec-GPC', '1']);
    expect(anonymous.headers['x-gpc-honored']).toBe('1');
  });

  it('serves /.well-known/gpc.json as application/json', async () => {
    const res = await request(t.server).get('/.well-known/gpc.json').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ gpc: true, lastUpdate: '2026-11-27' });
  });

  it('the console shows a user’s timeline and GPC status to privacy officers (audited), and not to support agents', async () => {
    const u = await userWithToken(t.app, 'timeline@example.test');
    await rawGet(`${t.url}/v1/me/preferences`, ['Authorization', `Bearer ${u.token}`, 'Sec-GPC', '1']);
    const officer = await ensureStaff(t.app, 'privacy_officer');
    const agent = await ensureStaff(t.app, 'support_agent');
    const officerToken = await issueStaffToken(t.app, officer);
    const agentToken = await issueStaffToken(t.app, agent);

    const created = await request(t.server).post('/admin/consents').set('Authorization', `Bearer ${officerToken}`).send({ userId: u.id, purpose: 'analytics', granted: true, note: 'by phone' }).expect(201);
    expect(created.body).toMatchObject({ source: 'admin', actorId: officer, purpose: 'analytics', granted: true });
    const list = await request(t.server)
      .get('/admin/consents')
      .query({ filter: JSON.stringify({ userId: u.id }), sort: JSON.stringify(['recordedAt', 'ASC']) })
      .set('Authorization', `Bearer ${officerToken}`)
      .expect(200);
    expect(list.headers['content-range']).toBe('consents 0-1/2');
    expect((list.body as Array<{ source: string }>).map((r) => r.source)).toEqual(['gpc', 'admin']);
    const state = await request(t.server).get(`/admin/consents/state/${u.id}`).set('Authorization', `Bearer ${officerToken}`).expect(200);
    expect(state.body.gpc.honoured).toBe(true);
    expect(state.body.purposes.analytics.granted).toBe(true);
    const audited = (await ds.query(`SELECT action FROM audit_log WHERE actor_id = $1 ORDER BY sequence`, [officer])) as Array<{ action: string }>;
    expect(audited.map((a) => a.action)).toEqual(['consent.grant', 'consent.list', 'consent.read']);

    await request(t.server).get('/admin/consents').set('Authorization', `Bearer ${agentToken}`).expect(403);
    const unknown = await request(t.server).post('/admin/consents').set('Authorization', `Bearer ${officerToken}`).send({ userId: u.id, purpose: 'telepathy', granted: true }).expect(422);
    expect(unknown.body.code).toBe('UNKNOWN_CONSENT_PURPOSE');
  });

  it('exports consent receipts and erases by stripping IP and user agent while keeping the proof', async () => {
    const u = await userWithToken(t.app, 'export@example.test');
    await request(t.server).put('/v1/me/preferences').set('Authorization', `Bearer ${u.token}`).set('User-Agent', 'ExportTest/2.0').send({ marketingEmails: true }).expect(200);
    const source = t.app.get(PersonalDataRegistry).get('consent.records');
    if (!source) throw new Error('consent.records is not registered');
    const [receipt] = await collectRecords(source, { userId: u.id });
    expect(receipt?.data).toMatchObject({
      version: 'KI-CR-v1.1.0',
      jurisdiction: 'EU',
      piiPrincipalId: u.id,
      policyVersion: '1.0',
      granted: true,
      source: 'user',
      userAgent: 'ExportTest/2.0',
    });
    expect(typeof receipt?.data.consentTimestamp).toBe('number');
    expect(JSON.stringify(receipt?.data.services)).toContain('"purpose":"marketing_emails"');

    const outcome = await source.erase({ userId: u.id });
    expect(outcome).toMatchObject({ deleted: 0, anonymised: 1, retained: [{ count: 1 }] });
    expect(await source.erase({ userId: u.id })).toMatchObject({ anonymised: 0, retained: [{ count: 1 }] });
    const [after] = await collectRecords(source, { userId: u.id });
    expect(after?.data).toMatchObject({ ip: null, userAgent: null, granted: true });
  });
});
