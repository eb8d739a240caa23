import request from 'supertest';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../src/config/app-config';
import { ErasureService } from '../src/retention/erasure.service';
import { SmtpPeer } from './support/smtp-peer';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

// Apps boot, jobs and the outbox poll: more than the 5 s default on a busy machine.
jest.setTimeout(90_000);

const FAST = { OUTBOX_POLL_MS: '20', OUTBOX_RETRY_BASE_MS: '20', OUTBOX_RETRY_MAX_MS: '100' };

interface Outbox {
  recipient: string;
  user_id: string | null;
  subject: string;
  text_body: string;
}

describe('privacy requests: the officer is alerted when the requester writes, and recipients are told of a correction (Art. 19)', () => {
  let peer: SmtpPeer;
  let t: TestApp;
  let ds: DataSource;
  let officer: string;
  let officerId: string;
  let publicUrl: string;

  beforeAll(async () => {
    peer = await SmtpPeer.start();
    t = await startTestApp({ env: { SMTP_URL: peer.url, ...FAST } });
    ds = t.app.get(DataSource);
    publicUrl = t.app.get<AppConfig>(APP_CONFIG).publicUrl;
    officerId = await ensureStaff(t.app, 'privacy_officer', 'dpo@soar2.test');
    officer = await issueStaffToken(t.app, officerId);
    await ensureStaff(t.app, 'privacy_officer', 'dpo2@soar2.test');
  });

  afterAll(async () => {
    await t?.close();
    await peer?.close();
  });

  const api = () => request(t.server);
  const act = (id: string, verb: string, body: object = {}) => api().post(`/admin/privacy-requests/${id}/${verb}`).set('Authorization', `Bearer ${officer}`).send(body);

  async function mailTo(address: string, subject: RegExp, index = 0): Promise<string> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = peer.messagesTo(address).filter((m) => subject.test(m.parsed.subject ?? ''));
      if (found[index]) return found[index]!.parsed.text ?? '';
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no mail #${index} "${subject}" to ${address}`);
  }

  async function codeFor(address: string): Promise<string> {
    const code = /^\s{4}(\d{6})$/m.exec(await mailTo(address, /privacy request code/))?.[1];
    if (!code) throw new Error('no code in the mail');
    return code;
  }

  async function waitForStatus(id: string, statuses: string[]): Promise<string> {
    const deadline = Date.now() + 30_000;
    let last = '';
    while (Date.now() < deadline) {
      last = ((await ds.query('SELECT status FROM privacy_requests WHERE id = $1', [id])) as Array<{ status: string }>)[0]?.status ?? '';
      if (statuses.includes(last)) return last;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`request ${id} never reached ${statuses.join('/')}; last ${last}`);
  }

  const alertsFor = (id: string): Promise<Outbox[]> =>
    ds.query(`SELECT recipient, user_id, subject, text_body FROM notifications WHERE kind = 'privacy.requester_replied' AND subject LIKE '%' || $1 || '%' ORDER BY created_at, recipient`, [id]);

  async function queue(filter: object, sort = '["dueAt","ASC"]'): Promise<Array<{ id: string; awaitingOfficer: boolean }>> {
    const res = await api().get('/admin/privacy-requests').query({ filter: JSON.stringify(filter), sort, range: '[0,99]' }).set('Authorization', `Bearer ${officer}`).expect(200);
    return res.body;
  }

  async function detail(id: string): Promise<{ awaitingOfficer: boolean; fulfilment: { recipients?: Array<{ name: string; method: string }> }; timeline: Array<{ kind: string; body: string | null; actorType: string; visibleToRequester: boolean }> }> {
    return (await api().get(`/admin/privacy-requests/${id}`).set('Authorization', `Bearer ${officer}`).expect(200)).body;
  }

  it('a signed-in requester’s message flags the request and alerts its assignee only, with the reference and console link and no personal data; each reply alerts once', async () => {
    const uma = await userWithToken(t.app, 'uma.private@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${uma.token}`).send({ type: 'objection', details: 'Profiling.' }).expect(202);
    const id = made.body.id as string;
    await act(id, 'assign').expect(200);
    expect((await queue({ awaitingOfficer: true })).map((r) => r.id)).not.toContain(id);

    await api().post(`/v1/privacy-requests/${id}/messages`).set('Authorization', `Bearer ${uma.token}`).send({ body: 'My phone is 555-0100, call me about Uma’s data.' }).expect(201);
    const flagged = await queue({ awaitingOfficer: true });
    expect(flagged.find((r) => r.id === id)).toMatchObject({ awaitingOfficer: true });

    const text = await mailTo('dpo@soar2.test', /the requester wrote/);
    expect(text).toContain(id);
    expect(text).toContain(`${publicUrl}/#/privacy-requests/${id}/show`);
    const [alert, ...more] = await alertsFor(id);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({ recipient: 'dpo@soar2.test', user_id: null });
    for (const secret of ['555-0100', 'phone', 'uma.private', 'Uma', 'Profiling']) {
      expect(alert!.text_body).not.toContain(secret);
      expect(alert!.subject).not.toContain(secret);
    }

    // A second reply is a second alert, and only one.
    await api().post(`/v1/privacy-requests/${id}/messages`).set('Authorization', `Bearer ${uma.token}`).send({ body: 'Any news?' }).expect(201);
    await mailTo('dpo@soar2.test', /the requester wrote/, 1);
    expect((await alertsFor(id)).map((a) => a.recipient)).toEqual(['dpo@soar2.test', 'dpo@soar2.test']);
    expect(peer.messagesTo('dpo2@soar2.test').filter((m) => (m.parsed.subject ?? '').includes(id))).toEqual([]);

    const d = await detail(id);
    const alerted = d.timeline.filter((e) => e.kind === 'officer_alerted');
    expect(alerted).toHaveLength(2);
    expect(alerted.every((e) => e.actorType === 'system' && !e.visibleToRequester && e.body === null)).toBe(true);
    const audit: Array<{ actor_type: string; details: { audience: string; staffIds: string[] } }> = await ds.query(
      `SELECT actor_type, details FROM audit_log WHERE action = 'privacy_request.officer_alerted' AND subject_id = $1 ORDER BY sequence`,
      [id],
    );
    expect(audit.map((a) => [a.actor_type, a.details.audience, a.details.staffIds])).toEqual([
      ['system', 'assignee', [officerId]],
      ['system', 'assignee', [officerId]],
    ]);
    // The requester's status page does not show the alert.
    const view = await api().get(`/v1/privacy-requests/${id}`).set('Authorization', `Bearer ${uma.token}`).expect(200);
    expect((view.body.timeline as Array<{ kind: string }>).map((e) => e.kind)).not.toContain('officer_alerted');
  });

  it('the flag clears when the officer replies, and again when the officer changes the status', async () => {
    const vic = await userWithToken(t.app, 'vic@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${vic.token}`).send({ type: 'objection' }).expect(202);
    const id = made.body.id as string;
    await act(id, 'assign').expect(200);
    await api().post(`/v1/privacy-requests/${id}/messages`).set('Authorization', `Bearer ${vic.token}`).send({ body: 'Hello?' }).expect(201);
    expect((await detail(id)).awaitingOfficer).toBe(true);

    const replied = await act(id, 'message', { body: 'We are on it.' }).expect(200);
    expect(replied.body.awaitingOfficer).toBe(false);
    expect((await queue({ awaitingOfficer: true })).map((r) => r.id)).not.toContain(id);
    expect((await queue({ awaitingOfficer: false })).map((r) => r.id)).toContain(id);

    await api().post(`/v1/privacy-requests/${id}/messages`).set('Authorization', `Bearer ${vic.token}`).send({ body: 'Thanks, one more thing.' }).expect(201);
    expect((await detail(id)).awaitingOfficer).toBe(true);
    const held = await act(id, 'hold', { reason: 'Waiting for the product team.' }).expect(200);
    expect(held.body).toMatchObject({ status: 'on_hold', awaitingOfficer: false });
  });

  it('an unassigned request answered through its access token alerts every active privacy officer; the queue sorts by how long the requester has waited', async () => {
    const anon = await api().post('/v1/privacy-requests').send({ type: 'access', email: 'walt.anon@example.test', region: 'DE' }).expect(202);
    const id = anon.body.id as string;
    const token = anon.body.accessToken as string;
    await api().post(`/v1/privacy-requests/${id}/verify`).send({ code: await codeFor('walt.anon@example.test') }).expect(200);
    await api().post(`/v1/privacy-requests/${id}/messages`).set('X-Privacy-Request-Token', token).send({ body: 'I am Walt, born 1970.' }).expect(201);
    // Without the token nobody can write.
    await api().post(`/v1/privacy-requests/${id}/messages`).send({ body: 'spoof' }).expect(404);

    for (const to of ['dpo@soar2.test', 'dpo2@soar2.test']) {
      const text = await mailTo(to, new RegExp(`${id}: the requester wrote`));
      expect(text).toContain(`${publicUrl}/#/privacy-requests/${id}/show`);
      expect(text).not.toMatch(/Walt|walt\.anon|1970/);
    }
    const alerts = await alertsFor(id);
    expect(alerts.map((a) => a.recipient).sort()).toEqual(['dpo2@soar2.test', 'dpo@soar2.test'].sort());
    const [audit] = await ds.query(`SELECT details FROM audit_log WHERE action = 'privacy_request.officer_alerted' AND subject_id = $1`, [id]);
    expect(audit.details.audience).toBe('privacy_officers');

    // A later message on another request: the oldest waiting request comes first, requests nobody waits on last.
    const xena = await userWithToken(t.app, 'xena@example.test');
    const later = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${xena.token}`).send({ type: 'objection' }).expect(202);
    await api().post(`/v1/privacy-requests/${later.body.id}/messages`).set('Authorization', `Bearer ${xena.token}`).send({ body: 'Hi.' }).expect(201);
    const sorted = (await queue({ open: true }, '["awaitingOfficerSince","ASC"]')).map((r) => r.id);
    expect(sorted.indexOf(id)).toBeLessThan(sorted.indexOf(later.body.id as string));
    const waiting = (await queue({ awaitingOfficer: true }, '["awaitingOfficerSince","DESC"]')).map((r) => r.id);
    expect(waiting.indexOf(later.body.id as string)).toBeLessThan(waiting.indexOf(id));
  });

  async function setContact(name: string, privacyContactEmail: string | null): Promise<void> {
    const list = await api().get('/admin/subprocessors').query({ filter: JSON.stringify({ q: name }) }).set('Authorization', `Bearer ${officer}`).expect(200);
    const row = (list.body as Array<{ id: string; name: string }>).find((s) => s.name === name);
    if (!row) throw new Error(`no sub-processor ${name}`);
    const res = await api().put(`/admin/subprocessors/${row.id}`).set('Authorization', `Bearer ${officer}`).send({ privacyContactEmail }).expect(200);
    expect(res.body.privacyContactEmail).toBe(privacyContactEmail);
  }

  it('the register keeps an optional privacy contact, refuses a bad address, and the public register does not show it', async () => {
    await setContact('Stripe', 'privacy@stripe.test');
    const list = await api().get('/admin/subprocessors').query({ filter: JSON.stringify({ q: 'Stripe' }) }).set('Authorization', `Bearer ${officer}`).expect(200);
    const bad = await api().put(`/admin/subprocessors/${(list.body as Array<{ id: string }>)[0]!.id}`).set('Authorization', `Bearer ${officer}`).send({ privacyContactEmail: 'not an address' });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    const pub = await api().get('/v1/policy/subprocessors').expect(200);
    expect(pub.body.length).toBeGreaterThan(0);
    expect(JSON.stringify(pub.body)).not.toContain('privacy@stripe.test');
    expect(pub.body[0]).not.toHaveProperty('privacyContactEmail');
  });

  it('a fulfilled correction tells each recipient holding the field (email to a privacy contact, else a manual DPA task), lists them in the timeline and names them to the requester', async () => {
    await setContact('Stripe', 'privacy@stripe.test');
    const yan = await userWithToken(t.app, 'yan@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${yan.token}`).send({ type: 'correction', proposedChanges: { displayName: 'Yan Q.' } }).expect(202);
    const id = made.body.id as string;
    await act(id, 'approve', { changes: { displayName: 'Yan Quist' } }).expect(200);
    expect(await waitForStatus(id, ['completed', 'failed'])).toBe('completed');

    // The processor with a contact gets an outbox notice: reference, account id, categories, no values.
    const notice = await mailTo('privacy@stripe.test', /data protection notice: rectification/);
    expect(notice).toContain(`Reference: ${id}`);
    expect(notice).toContain(`Soar2 account id: ${yan.id}`);
    expect(notice).toContain('Data categories concerned: billing details');
    expect(notice).not.toContain('Yan Quist');
    const [row] = await ds.query(`SELECT user_id FROM notifications WHERE kind = 'privacy.recipient_notice' AND recipient = 'privacy@stripe.test' AND text_body LIKE '%' || $1 || '%'`, [id]);
    expect(row.user_id).toBe(yan.id);

    const d = await detail(id);
    const entries = d.timeline.filter((e) => e.kind === 'recipient_notified');
    // In register order (by name); OpenAI holds no name.
    expect(entries.map((e) => e.body)).toEqual([
      'Cloud storage provider (account data) is told of the rectification through our data processing agreement channel (notified via DPA channel: manual).',
      'Email delivery provider (message content) is told of the rectification through our data processing agreement channel (notified via DPA channel: manual).',
      'Stripe (billing details) was told of the rectification by email.',
    ]);
    expect(entries.every((e) => e.visibleToRequester && e.actorType === 'system')).toBe(true);
    expect(d.fulfilment.recipients?.map((r) => [r.name, r.method])).toEqual([
      ['Cloud storage provider', 'manual'],
      ['Email delivery provider', 'manual'],
      ['Stripe', 'email'],
    ]);
    // The recipients are told before the request completes.
    const kinds = d.timeline.map((e) => e.kind);
    expect(kinds.lastIndexOf('recipient_notified')).toBeLessThan(kinds.lastIndexOf('transition'));

    const final = await mailTo('yan@example.test', /is complete/);
    expect(final).toContain('- displayName: Yan Quist');
    expect(final).toContain('We have told these recipients of your data about the rectification (GDPR Art. 19):\n- Cloud storage provider\n- Email delivery provider\n- Stripe');
    expect(final).not.toContain('OpenAI');
    const view = await api().get(`/v1/privacy-requests/${id}`).set('Authorization', `Bearer ${yan.token}`).expect(200);
    expect((view.body.timeline as Array<{ kind: string; message: string }>).filter((e) => e.kind === 'recipient_notified').map((e) => e.message.split(' ')[0])).toEqual(['Cloud', 'Email', 'Stripe']);
    const [audit] = await ds.query(`SELECT actor_type, details FROM audit_log WHERE action = 'privacy_request.recipients_notified' AND subject_id = $1`, [id]);
    expect(audit.actor_type).toBe('system');
    expect(audit.details.fields).toEqual(['displayName']);
    expect(audit.details.recipients.map((r: { method: string }) => r.method)).toEqual(['manual', 'manual', 'email']);
  });

  it('a fulfilled restriction tells every recipient of the data, and the requester hears which', async () => {
    await setContact('OpenAI', 'dpa@openai.test');
    const zed = await userWithToken(t.app, 'zed@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${zed.token}`).send({ type: 'restriction', details: 'Accuracy contested.' }).expect(202);
    const id = made.body.id as string;
    await act(id, 'approve').expect(200);
    expect(await waitForStatus(id, ['completed', 'failed'])).toBe('completed');
    const notice = await mailTo('dpa@openai.test', /restriction of processing/);
    expect(notice).toContain('Data categories concerned: prompts, reference images, generated videos');
    const final = await mailTo('zed@example.test', /is complete/);
    expect(final).toContain('about the restriction of processing (GDPR Art. 19):\n- Cloud storage provider\n- Email delivery provider\n- OpenAI\n- Stripe');
    const d = await detail(id);
    expect(d.timeline.filter((e) => e.kind === 'recipient_notified')).toHaveLength(4);
  });

  it('an erasure, once certified, records the recipients told in the requester’s timeline', async () => {
    const abe = await userWithToken(t.app, 'abe@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${abe.token}`).send({ type: 'deletion' }).expect(202);
    const id = made.body.id as string;
    await api().post(`/v1/privacy-requests/${id}/verify`).send({ code: await codeFor('abe@example.test') }).expect(200);
    await act(id, 'approve').expect(200);
    await waitForStatus(id, ['awaiting_erasure', 'failed']);
    const [erasure] = await ds.query(`SELECT id FROM erasures WHERE request_id = $1`, [id]);
    await ds.query(`UPDATE erasures SET run_after = now() - interval '1 minute' WHERE id = $1`, [erasure.id]);
    await t.app.get(ErasureService).execute(erasure.id);
    expect(await waitForStatus(id, ['completed'])).toBe('completed');
    const d = await detail(id);
    const entries = d.timeline.filter((e) => e.kind === 'recipient_notified');
    expect(entries.map((e) => e.body?.split(' (')[0])).toEqual(['Cloud storage provider', 'Email delivery provider', 'OpenAI', 'Stripe']);
    expect(entries[0]!.body).toContain('told of the erasure');
  });
});
