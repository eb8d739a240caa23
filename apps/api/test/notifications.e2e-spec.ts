import { existsSync, readFileSync, statSync } from 'node:fs';
import PostalMime from 'postal-mime';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { StaffService } from '../src/identity/staff.service';
import { MarketingConsentGate, MarketingConsentGateRegistry, NO_CONSENT_ON_RECORD, NoConsentOnRecordGate } from '../src/notifications/marketing-consent.gate';
import { MailerService } from '../src/notifications/mailer.service';
import { InvalidNotificationException } from '../src/notifications/notifications.exception';
import { NotificationsService } from '../src/notifications/notifications.service';
import { OutboxDeliveryWorker } from '../src/notifications/outbox-delivery.worker';
import type { OutgoingMessage } from '../src/notifications/outgoing-message';
import { SmtpPeer } from './support/smtp-peer';
import { TestApp, startTestApp } from './support/test-app';

interface OutboxRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  sent_at: Date | null;
  next_attempt_at: Date | null;
}

// Apps boot, workers poll and two of them share an outbox here: more than the 5 s default, on a busy machine.
jest.setTimeout(60_000);

const FAST_OUTBOX = { OUTBOX_POLL_MS: '20', OUTBOX_RETRY_BASE_MS: '20', OUTBOX_RETRY_MAX_MS: '100' };
const allowAll: MarketingConsentGate = { decide: async () => ({ allowed: true }) };
/** Every recipient used here, to prove none of them reaches a log. */
const recipients = new Set<string>();

function message(to: string, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  recipients.add(to);
  return { kind: 'test.notice', class: 'service_critical', to, subject: `Notice for ${to.split('@')[0]}`, text: 'Hello from the outbox.', ...overrides };
}

async function readRow(ds: DataSource, id: string): Promise<OutboxRow | undefined> {
  const rows = (await ds.query(
    'SELECT id, status, attempts, last_error, provider_message_id, sent_at, next_attempt_at FROM notifications WHERE id = $1',
    [id],
  )) as OutboxRow[];
  return rows[0];
}

/** Waits until the worker has brought the row to one of these statuses (eventual, not timed: the deadline only stops a hung test). */
async function waitForStatus(ds: DataSource, id: string, statuses: string[]): Promise<OutboxRow> {
  const deadline = Date.now() + 20_000;
  let row: OutboxRow | undefined;
  while (Date.now() < deadline) {
    row = await readRow(ds, id);
    if (row && statuses.includes(row.status)) return row;
    await new Promise((r) => setTimeout(r, 15));
  }
  throw new Error(`notification ${id} never reached ${statuses.join('/')}; last seen ${JSON.stringify(row)}`);
}

describe('notifications: the email outbox, its worker and its console API', () => {
  let peer: SmtpPeer;
  let t: TestApp;
  let ds: DataSource;
  let outbox: NotificationsService;
  let adminToken: string;
  const password = 'correct horse battery';

  beforeAll(async () => {
    peer = await SmtpPeer.start();
    t = await startTestApp({ env: { SMTP_URL: peer.url, ...FAST_OUTBOX } });
    ds = t.app.get(DataSource);
    outbox = t.app.get(NotificationsService);
    await t.app.get(StaffService).ensure('ops@soar2.test', 'Ops Admin', 'admin', password);
    await t.app.get(StaffService).ensure('agent@soar2.test', 'Agent', 'support_agent', password);
    const login = await request(t.server).post('/admin/auth/login').send({ email: 'ops@soar2.test', password }).expect(200);
    adminToken = login.body.token as string;
  });

  afterAll(async () => {
    await t?.close();
    await peer?.close();
  });

  afterEach(() => {
    t.app.get(MarketingConsentGateRegistry).use(new NoConsentOnRecordGate());
  });

  it('delivers a service-critical message, and the peer receives exactly that recipient, subject and body', async () => {
    const to = 'first.reader@example.test';
    const id = await outbox.enqueue(message(to, { kind: 'auth.login_code', subject: 'Your Soar2 sign-in code', text: 'Your code is 482913. It expires in 10 minutes.' }));

    const row = await waitForStatus(ds, id, ['sent', 'failed']);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, next_attempt_at: null });
    expect(row.sent_at).toBeInstanceOf(Date);
    expect(row.provider_message_id).toBe(`<${id}@soar2.local>`);

    const mails = peer.messagesTo(to);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.rcptTo).toEqual([to]);
    expect(mail!.mailFrom).toBe('no-reply@soar2.local');
    expect(mail!.parsed.subject).toBe('Your Soar2 sign-in code');
    expect(mail!.parsed.text?.trim()).toBe('Your code is 482913. It expires in 10 minutes.');
    expect(mail!.parsed.to?.map((a) => ('address' in a ? a.address : undefined))).toEqual([to]);
    expect(mail!.parsed.messageId).toBe(`<${id}@soar2.local>`);
  });

  it('suppresses a marketing message when no consent is on record, and the peer receives nothing', async () => {
    const to = 'no.consent@example.test';
    const id = await outbox.enqueue(message(to, { kind: 'marketing.spring', class: 'marketing', subject: 'Spring offers' }));

    expect(await readRow(ds, id)).toMatchObject({ status: 'suppressed', attempts: 0, last_error: NO_CONSENT_ON_RECORD, next_attempt_at: null });
    await t.app.get(OutboxDeliveryWorker).deliverDue();
    expect(await readRow(ds, id)).toMatchObject({ status: 'suppressed', attempts: 0 });
    expect(peer.rcptCount(to)).toBe(0);
  });

  it('sends marketing once a registered consent gate finds consent', async () => {
    t.app.get(MarketingConsentGateRegistry).use(allowAll);
    const to = 'opted.in@example.test';
    const id = await outbox.enqueue(message(to, { kind: 'marketing.spring', class: 'marketing', headers: { 'List-Unsubscribe': '<https://soar2.example/u/tok>' } }));

    expect(await waitForStatus(ds, id, ['sent', 'failed', 'suppressed'])).toMatchObject({ status: 'sent', attempts: 1 });
    const [mail] = peer.messagesTo(to);
    expect(mail!.parsed.headers.find((h) => h.key === 'list-unsubscribe')?.value).toBe('<https://soar2.example/u/tok>');
  });

  it('suppresses a queued marketing message whose consent is withdrawn before it is sent', async () => {
    const gates = t.app.get(MarketingConsentGateRegistry);
    gates.use(allowAll);
    const to = 'changed.mind@example.test';
    const id = await ds.transaction(async (manager) => {
      const queued = await outbox.enqueue(message(to, { kind: 'marketing.spring', class: 'marketing' }), manager);
      // The worker cannot see the row before this commits, so it decides with the withdrawn consent.
      gates.use(new NoConsentOnRecordGate());
      return queued;
    });

    expect(await waitForStatus(ds, id, ['sent', 'failed', 'suppressed'])).toMatchObject({ status: 'suppressed', attempts: 0, last_error: NO_CONSENT_ON_RECORD });
    expect(peer.rcptCount(to)).toBe(0);
  });

  it('retries once after a temporary 451 and then sends (attempts = 2)', async () => {
    const to = 'greylisted@example.test';
    peer.script(to, 'data', { code: 451, message: '4.7.1 Greylisted, please try again later' });
    const id = await outbox.enqueue(message(to));

    const row = await waitForStatus(ds, id, ['sent', 'failed']);
    expect(row).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
    expect(peer.rcptCount(to)).toBe(2);
    expect(peer.messagesTo(to)).toHaveLength(1);
  });

  it('fails at once on a permanent 550 without further attempts, and an admin retry sends it once the peer accepts', async () => {
    const to = 'gone.away@example.test';
    peer.script(to, 'rcpt', { code: 550, message: `5.1.1 <${to}>: Recipient address rejected: User unknown` });
    const id = await outbox.enqueue(message(to));

    const failed = await waitForStatus(ds, id, ['sent', 'failed']);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null, sent_at: null });
    expect(failed.last_error).toMatch(/^EENVELOPE 550 at RCPT TO: .*Recipient address rejected/);
    expect(failed.last_error).not.toContain(to);

    await t.app.get(OutboxDeliveryWorker).deliverDue();
    expect(await readRow(ds, id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect(peer.rcptCount(to)).toBe(1);
    expect(peer.messagesTo(to)).toHaveLength(0);

    const retried = await request(t.server).post(`/admin/notifications/${id}/retry`).set('Authorization', `Bearer ${adminToken}`).expect(200);
    expect(retried.body).toMatchObject({ id, status: 'queued', attempts: 0 });
    const audited: Array<{ action: string; actor_type: string; details: { from: string; to: string } }> = await ds.query(
      `SELECT action, actor_type, details FROM audit_log WHERE subject_id = $1 AND action = 'notification.retry'`,
      [id],
    );
    expect(audited).toEqual([{ action: 'notification.retry', actor_type: 'staff', details: expect.objectContaining({ from: 'failed', to: 'queued' }) }]);
    expect(await waitForStatus(ds, id, ['sent', 'failed'])).toMatchObject({ status: 'sent', attempts: 1 });
    expect(peer.messagesTo(to)).toHaveLength(1);
  });

  it('gives up with failed after the maximum number of temporary failures', async () => {
    const to = 'always.busy@example.test';
    const busy = { code: 452, message: '4.2.2 Mailbox full' };
    peer.script(to, 'rcpt', busy, busy, busy);
    const id = await outbox.enqueue(message(to, { maxAttempts: 3 }));

    const row = await waitForStatus(ds, id, ['sent', 'failed']);
    expect(row).toMatchObject({ status: 'failed', attempts: 3 });
    expect(row.last_error).toMatch(/452/);
    expect(peer.rcptCount(to)).toBe(3);
  });

  it('takes up a message left in sending by a crashed worker once its lease has run out', async () => {
    const to = 'after.crash@example.test';
    recipients.add(to);
    const [stuck] = (await ds.query(
      `INSERT INTO notifications (kind, class, recipient, subject, text_body, status, attempts, max_attempts, next_attempt_at)
       VALUES ('test.notice', 'service_critical', $1, 'Interrupted', 'Sent after a crash.', 'sending', 1, 5, now() - interval '1 second')
       RETURNING id`,
      [to],
    )) as Array<{ id: string }>;
    const [exhausted] = (await ds.query(
      `INSERT INTO notifications (kind, class, recipient, subject, text_body, status, attempts, max_attempts, next_attempt_at)
       VALUES ('test.notice', 'service_critical', $1, 'Interrupted', 'No attempts left.', 'sending', 1, 1, now() - interval '1 second')
       RETURNING id`,
      ['no.attempts.left@example.test'],
    )) as Array<{ id: string }>;
    recipients.add('no.attempts.left@example.test');

    expect(await waitForStatus(ds, stuck!.id, ['sent', 'failed'])).toMatchObject({ status: 'sent', attempts: 2 });
    expect(peer.messagesTo(to)).toHaveLength(1);
    const gaveUp = await waitForStatus(ds, exhausted!.id, ['sent', 'failed']);
    expect(gaveUp.last_error).toMatch(/interrupted/);
    expect(peer.rcptCount('no.attempts.left@example.test')).toBe(0);
  });

  it('delivers every message exactly once when two workers share the outbox', async () => {
    const second = await startTestApp({ db: t.db, env: { SMTP_URL: peer.url, ...FAST_OUTBOX } });
    try {
      const addresses = Array.from({ length: 40 }, (_, i) => `crowd.${String(i).padStart(2, '0')}@example.test`);
      const ids = await ds.transaction(async (manager) => {
        const out: string[] = [];
        for (const a of addresses) out.push(await outbox.enqueue(message(a, { kind: 'test.crowd' }), manager));
        return out;
      });
      for (const id of ids) expect(await waitForStatus(ds, id, ['sent', 'failed'])).toMatchObject({ status: 'sent', attempts: 1 });
      for (const a of addresses) {
        expect(peer.rcptCount(a)).toBe(1);
        expect(peer.messagesTo(a)).toHaveLength(1);
      }
    } finally {
      await second.close();
    }
  });

  it('leaves no row when the transaction that enqueued the message rolls back', async () => {
    const to = 'rolled.back@example.test';
    let id: string | undefined;
    await expect(
      ds.transaction(async (manager) => {
        id = await outbox.enqueue(message(to), manager);
        expect(await readRow(ds, id)).toBeUndefined();
        throw new Error('the change that caused the message failed');
      }),
    ).rejects.toThrow('the change that caused the message failed');

    expect(id).toBeDefined();
    expect(await readRow(ds, id!)).toBeUndefined();
    await t.app.get(OutboxDeliveryWorker).deliverDue();
    expect(peer.rcptCount(to)).toBe(0);
  });

  it('refuses a malformed message with a message per field', async () => {
    const err = await outbox.enqueue(message('Two <a@example.test>, b@example.test', { kind: 'Bad Kind' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidNotificationException);
    expect(Object.keys((err as InvalidNotificationException).errors).sort()).toEqual(['kind', 'to']);
  });

  it('lists notifications for admins with Content-Range, filters and sorting, and refuses anyone else', async () => {
    const anon = await request(t.server).get('/admin/notifications').expect(401);
    expect(anon.body.code).toBe('UNAUTHENTICATED');
    const agent = await request(t.server).post('/admin/auth/login').send({ email: 'agent@soar2.test', password }).expect(200);
    await request(t.server).get('/admin/notifications').set('Authorization', `Bearer ${agent.body.token}`).expect(403);

    const auth = { Authorization: `Bearer ${adminToken}` };
    const [{ total }] = (await ds.query('SELECT count(*)::int AS total FROM notifications')) as Array<{ total: number }>;
    const page = await request(t.server).get('/admin/notifications').query({ sort: '["createdAt","DESC"]', range: '[0,4]' }).set(auth).expect(200);
    expect(page.headers['content-range']).toBe(`notifications 0-4/${total}`);
    expect(page.body).toHaveLength(5);
    expect(Object.keys(page.body[0]).sort()).toEqual(['attempts', 'class', 'createdAt', 'id', 'kind', 'lastError', 'nextAttemptAt', 'sensitive', 'sentAt', 'status', 'subject', 'to'].sort());
    const created = (page.body as Array<{ createdAt: string }>).map((n) => n.createdAt);
    expect([...created].sort().reverse()).toEqual(created);

    const suppressed = await request(t.server)
      .get('/admin/notifications')
      .query({ filter: JSON.stringify({ status: 'suppressed', class: 'marketing' }), range: '[0,99]' })
      .set(auth)
      .expect(200);
    expect(suppressed.body.length).toBeGreaterThanOrEqual(2);
    expect((suppressed.body as Array<{ status: string; class: string }>).every((n) => n.status === 'suppressed' && n.class === 'marketing')).toBe(true);

    const byText = await request(t.server).get('/admin/notifications').query({ filter: JSON.stringify({ q: 'greylisted' }) }).set(auth).expect(200);
    expect(byText.headers['content-range']).toBe('notifications 0-0/1');
    expect(byText.body[0]).toMatchObject({ to: 'greylisted@example.test', status: 'sent', attempts: 2 });

    const byRecipient = await request(t.server)
      .get('/admin/notifications')
      .query({ filter: JSON.stringify({ kind: 'test.crowd' }), sort: '["to","ASC"]', range: '[0,2]' })
      .set(auth)
      .expect(200);
    expect(byRecipient.headers['content-range']).toBe('notifications 0-2/40');
    expect((byRecipient.body as Array<{ to: string }>).map((n) => n.to)).toEqual(['crowd.00@example.test', 'crowd.01@example.test', 'crowd.02@example.test']);
    const lastByRecipient = await request(t.server)
      .get('/admin/notifications')
      .query({ filter: JSON.stringify({ kind: 'test.crowd' }), sort: '["to","DESC"]', range: '[0,0]' })
      .set(auth)
      .expect(200);
    expect(lastByRecipient.body[0].to).toBe('crowd.39@example.test');

    const bad = await request(t.server).get('/admin/notifications').query({ filter: JSON.stringify({ status: 'lost' }), sort: '["text","ASC"]' }).set(auth).expect(422);
    expect(Object.keys(bad.body.errors)).toEqual(['sort']);
    const badFilter = await request(t.server).get('/admin/notifications').query({ filter: JSON.stringify({ status: 'lost' }) }).set(auth).expect(422);
    expect(Object.keys(badFilter.body.errors)).toEqual(['filter.status']);
  });

  it('shows one notification with its text, and retries only failed ones', async () => {
    const auth = { Authorization: `Bearer ${adminToken}` };
    const id = await outbox.enqueue(message('detail.view@example.test', { subject: 'Your request was received', text: 'We received your privacy request.' }));
    await waitForStatus(ds, id, ['sent']);

    const detail = await request(t.server).get(`/admin/notifications/${id}`).set(auth).expect(200);
    expect(detail.body).toMatchObject({ id, kind: 'test.notice', class: 'service_critical', to: 'detail.view@example.test', subject: 'Your request was received', status: 'sent', attempts: 1, lastError: null, nextAttemptAt: null, text: 'We received your privacy request.' });
    expect(new Date(detail.body.sentAt as string).getTime()).toBeGreaterThanOrEqual(new Date(detail.body.createdAt as string).getTime());

    const conflict = await request(t.server).post(`/admin/notifications/${id}/retry`).set(auth).expect(409);
    expect(conflict.body.code).toBe('NOTIFICATION_NOT_RETRYABLE');
    const missing = await request(t.server).get('/admin/notifications/00000000-0000-4000-8000-000000000000').set(auth).expect(404);
    expect(missing.body.code).toBe('NOTIFICATION_NOT_FOUND');
    await request(t.server).post('/admin/notifications/00000000-0000-4000-8000-000000000000/retry').set(auth).expect(404);
    await request(t.server).get('/admin/notifications/not-a-uuid').set(auth).expect(404);
  });

  it('delivers a sensitive message whole, then keeps its body neither in the outbox nor in the console', async () => {
    const auth = { Authorization: `Bearer ${adminToken}` };
    const to = 'sensitive.reader@example.test';
    recipients.add(to);
    const id = await outbox.enqueue({ kind: 'auth.login_code', class: 'service_critical', to, subject: 'Your code', text: 'Your code is 731904.', html: '<p>Your code is <b>731904</b>.</p>', sensitive: true });
    const body = async (): Promise<{ text_body: string; html_body: string | null; sensitive: boolean }> =>
      ((await ds.query('SELECT text_body, html_body, sensitive FROM notifications WHERE id = $1', [id])) as Array<{ text_body: string; html_body: string | null; sensitive: boolean }>)[0]!;

    expect(await waitForStatus(ds, id, ['sent', 'failed'])).toMatchObject({ status: 'sent' });
    const [mail] = peer.messagesTo(to);
    expect(mail!.parsed.text?.trim()).toBe('Your code is 731904.');
    expect(mail!.parsed.html).toContain('<b>731904</b>');
    expect(await body()).toEqual({ text_body: '[removed after delivery]', html_body: '[removed after delivery]', sensitive: true });
    const detail = await request(t.server).get(`/admin/notifications/${id}`).set(auth).expect(200);
    expect(detail.body).toMatchObject({ sensitive: true, status: 'sent' });
    expect(JSON.stringify(detail.body)).not.toContain('731904');
  });

  it('keeps a sensitive message that failed for a retry, but never shows its body in the console', async () => {
    const auth = { Authorization: `Bearer ${adminToken}` };
    const to = 'sensitive.bounce@example.test';
    recipients.add(to);
    peer.script(to, 'rcpt', { code: 550, message: '5.1.1 User unknown' });
    const id = await outbox.enqueue({ kind: 'auth.login_code', class: 'service_critical', to, subject: 'Your code', text: 'Your code is 552211.', sensitive: true });

    expect(await waitForStatus(ds, id, ['sent', 'failed'])).toMatchObject({ status: 'failed' });
    const [row] = (await ds.query('SELECT text_body FROM notifications WHERE id = $1', [id])) as Array<{ text_body: string }>;
    expect(row!.text_body).toBe('Your code is 552211.');
    const detail = await request(t.server).get(`/admin/notifications/${id}`).set(auth).expect(200);
    expect(detail.body.text).toMatch(/^\[hidden/);
    expect(JSON.stringify(detail.body)).not.toContain('552211');
  });

  it('leaves the body of an ordinary message as it was after delivery', async () => {
    const id = await outbox.enqueue(message('ordinary.body@example.test', { text: 'Nothing secret here.' }));
    await waitForStatus(ds, id, ['sent']);
    const [row] = (await ds.query('SELECT text_body, sensitive FROM notifications WHERE id = $1', [id])) as Array<{ text_body: string; sensitive: boolean }>;
    expect(row).toEqual({ text_body: 'Nothing secret here.', sensitive: false });
  });

  it('documents the console routes in the OpenAPI document', async () => {
    const r = await request(t.server).get('/docs-json').expect(200);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/admin/notifications', '/admin/notifications/{id}', '/admin/notifications/{id}/retry']));
  });

  it('keeps recipient addresses out of the logs', () => {
    const text = JSON.stringify(t.logs);
    expect(text).toContain('notification sent');
    for (const address of recipients) expect(text).not.toContain(address);
    // Not even masked: the module logs ids, never addresses.
    const outboxLines = t.logs.filter((l) => 'notificationId' in l);
    expect(outboxLines.length).toBeGreaterThan(0);
    expect(JSON.stringify(outboxLines)).not.toMatch(/\*\*\*@\*\*\*/);
  });
});

describe('notifications: file transport and clean stop', () => {
  it('writes each message as a parseable .eml file named by its id when SMTP_URL is unset', async () => {
    const t = await startTestApp({ env: { PROCESS_ROLES: 'api' } });
    try {
      expect(t.app.get(MailerService).mode).toBe('file');
      const to = 'file.reader@example.test';
      const id = await t.app.get(NotificationsService).enqueue({
        kind: 'policy.updated',
        class: 'service_critical',
        to,
        subject: 'We updated our Privacy Policy – see what changed',
        text: 'Our Privacy Policy changes on 1 March.\nRead it at https://soar2.example/privacy.',
        html: '<p>Our Privacy Policy changes on <b>1 March</b>.</p>',
      });
      const report = await t.app.get(OutboxDeliveryWorker).deliverDue();
      expect(report).toMatchObject({ claimed: 1, sent: 1 });

      const file = t.app.get(MailerService).emlPath(id);
      expect(file).toBe(`${t.config.mail.fileDir}/${id}.eml`);
      expect(existsSync(file)).toBe(true);
      expect(statSync(file).mode & 0o077).toBe(0);
      const raw = readFileSync(file);
      expect(raw.toString('latin1')).toMatch(/\r\n\r\n/);
      const mail = await PostalMime.parse(raw);
      expect(mail.subject).toBe('We updated our Privacy Policy – see what changed');
      expect(mail.text?.trim()).toBe('Our Privacy Policy changes on 1 March.\nRead it at https://soar2.example/privacy.');
      expect(mail.html).toContain('<b>1 March</b>');
      expect(mail.from).toMatchObject({ name: 'Soar2 AI', address: 'no-reply@soar2.local' });
      expect(mail.to).toEqual([{ name: '', address: to }]);
      expect(mail.messageId).toBe(`<${id}@soar2.local>`);

      expect(await readRow(t.app.get(DataSource), id)).toMatchObject({ status: 'sent', attempts: 1, provider_message_id: `<${id}@soar2.local>` });
      const ready = await request(t.server).get('/health/ready').expect(200);
      expect(ready.body.checks.mail).toMatchObject({ status: 'up', detail: 'file transport' });
      expect(JSON.stringify(t.logs)).not.toContain(to);
    } finally {
      await t.close();
    }
  });

  it('finishes a message being sent before the application stops', async () => {
    const peer = await SmtpPeer.start();
    const t = await startTestApp({ env: { SMTP_URL: peer.url, ...FAST_OUTBOX } });
    let stopped = false;
    try {
      const to = 'slow.server@example.test';
      const held = peer.hold(to);
      const id = await t.app.get(NotificationsService).enqueue(message(to));
      await held.arrived;

      const closing = t.app.close();
      held.release();
      await closing;
      stopped = true;

      const pg = new Client({ connectionString: t.db.url });
      await pg.connect();
      try {
        const { rows } = await pg.query<{ status: string; attempts: number }>('SELECT status, attempts FROM notifications WHERE id = $1', [id]);
        expect(rows[0]).toEqual({ status: 'sent', attempts: 1 });
      } finally {
        await pg.end();
      }
      expect(peer.messagesTo(to)).toHaveLength(1);
    } finally {
      if (stopped) await t.db.drop();
      else await t.close();
      await peer.close();
    }
  });
});
