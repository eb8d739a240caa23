// The support desk end to end: tickets through /v1 (JSON and multipart), the console inbox with
// replies, notes, assignment, statuses and collisions, guest tickets by emailed code, security
// reports' visibility, macros, reports, SLA sweeps and the personal-data source.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import PostalMime from 'postal-mime';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MailerService } from '../src/notifications/mailer.service';
import { OutboxDeliveryWorker } from '../src/notifications/outbox-delivery.worker';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import type { ObjectStorage } from '../src/storage/object-storage';
import { OBJECT_STORAGE, StorageService } from '../src/storage/storage.service';
import { SupportSchedule } from '../src/support/support-schedule.service';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(64, 7)]);
const HTML_BODY = '<img src=x onerror="alert(1)"><script>document.title="owned"</script> my video failed';

interface TicketJson {
  id: string;
  number: number;
  status: string;
  priority: string;
  category: string;
  lastMessageId: string | null;
  assigneeId: string | null;
  messages: Array<{ id: string; kind?: string; from?: string; body: string; emailed?: boolean }>;
  attachments: Array<{ id: string; sha256: string; sizeBytes: number; contentType: string; fileName: string }>;
  sla: { firstResponseDueAt: string | null; resolutionDueAt: string | null; breached: boolean; paused: boolean };
  account: { status: string; restricted: boolean } | null;
}

describe('support desk (/v1/tickets, /admin/tickets, /admin/ticket-macros)', () => {
  let t: TestApp;
  let ds: DataSource;
  let alice: { id: string; token: string };
  let bob: { id: string; token: string };
  const staff = {} as Record<'admin' | 'agent' | 'agent2' | 'privacy' | 'auditor', { id: string; token: string }>;

  beforeAll(async () => {
    t = await startTestApp({ env: { TRUST_PROXY: 'loopback' } });
    ds = t.app.get(DataSource);
    alice = await userWithToken(t.app, 'alice.support@example.test');
    bob = await userWithToken(t.app, 'bob.support@example.test');
    const roles = { admin: 'admin', agent: 'support_agent', agent2: 'support_agent', privacy: 'privacy_officer', auditor: 'auditor' } as const;
    for (const [name, role] of Object.entries(roles) as Array<[keyof typeof roles, (typeof roles)[keyof typeof roles]]>) {
      const id = await ensureStaff(t.app, role, `${name}@soar2.test`);
      staff[name] = { id, token: await issueStaffToken(t.app, id) };
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  const v1 = (user: { token: string }) => ({
    get: (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${user.token}`),
    post: (path: string) => request(t.server).post(path).set('Authorization', `Bearer ${user.token}`),
  });
  const admin = (who: keyof typeof staff) => ({
    get: (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${staff[who].token}`),
    post: (path: string) => request(t.server).post(path).set('Authorization', `Bearer ${staff[who].token}`),
    put: (path: string) => request(t.server).put(path).set('Authorization', `Bearer ${staff[who].token}`),
  });

  async function openTicket(user: { token: string }, body: Record<string, unknown> = {}): Promise<TicketJson> {
    const res = await v1(user)
      .post('/v1/tickets')
      .send({ subject: 'Video failed', body: 'It stopped at 40%.', category: 'generation_problem', ...body })
      .expect(201);
    return res.body as TicketJson;
  }

  async function counts(ticketId: string): Promise<{ messages: number; attachments: number; status: string }> {
    const [row] = (await ds.query(
      `SELECT (SELECT count(*)::int FROM support_ticket_messages WHERE ticket_id = $1) AS messages,
              (SELECT count(*)::int FROM support_ticket_attachments WHERE ticket_id = $1) AS attachments,
              (SELECT status FROM support_tickets WHERE id = $1) AS status`,
      [ticketId],
    )) as Array<{ messages: number; attachments: number; status: string }>;
    return row as { messages: number; attachments: number; status: string };
  }

  async function lastMail(to: string, kind: string): Promise<{ text: string; subject: string }> {
    while ((await t.app.get(OutboxDeliveryWorker).deliverDue()).claimed > 0);
    const [row] = (await ds.query(`SELECT id FROM notifications WHERE recipient = $1 AND kind = $2 ORDER BY created_at DESC LIMIT 1`, [to, kind])) as Array<{ id: string }>;
    if (!row) throw new Error(`no ${kind} message was sent to ${to}`);
    const parsed = await PostalMime.parse(readFileSync(t.app.get(MailerService).emlPath(row.id)));
    return { subject: parsed.subject ?? '', text: parsed.text ?? '' };
  }

  describe('end users', () => {
    it('open a ticket whose HTML is kept as text, and see it with its SLA-less public view', async () => {
      const ticket = await openTicket(alice, { body: HTML_BODY });
      expect(ticket).toMatchObject({ status: 'new', priority: 'normal', category: 'generation_problem', linkedJobIds: [] });
      expect(ticket.messages).toEqual([expect.objectContaining({ from: 'you', body: HTML_BODY })]);
      const list = await v1(alice).get('/v1/tickets').expect(200);
      expect((list.body as TicketJson[]).map((x) => x.id)).toContain(ticket.id);
      // At rest the text is sealed with alice's data key (decision 019): no clear copy in the row.
      const [stored] = (await ds.query(`SELECT body, body_sealed AS sealed FROM support_ticket_messages WHERE ticket_id = $1`, [ticket.id])) as Array<{ body: string | null; sealed: Buffer }>;
      expect(stored?.body).toBeNull();
      expect(stored?.sealed.includes(Buffer.from('my video failed'))).toBe(false);
    });

    it('never see or write to another user’s ticket (404, nothing changed)', async () => {
      const ticket = await openTicket(alice);
      const before = await counts(ticket.id);
      const read = await v1(bob).get(`/v1/tickets/${ticket.id}`).expect(404);
      expect(read.body.code).toBe('TICKET_NOT_FOUND');
      const write = await v1(bob).post(`/v1/tickets/${ticket.id}/messages`).send({ body: 'let me in' }).expect(404);
      expect(write.body.code).toBe('TICKET_NOT_FOUND');
      const attach = await v1(bob).post(`/v1/tickets/${ticket.id}/messages`).field('body', 'file').attach('attachments', PNG, { filename: 'a.png', contentType: 'image/png' }).expect(404);
      expect(attach.body.code).toBe('TICKET_NOT_FOUND');
      expect(await counts(ticket.id)).toEqual(before);
      expect((await v1(bob).get('/v1/tickets').expect(200)).body).toEqual([]);
    });

    it('refuse bad input with clear 4xx answers', async () => {
      const bad = await v1(alice).post('/v1/tickets').send({ subject: '', body: 'x', category: 'complaints', extra: 1 }).expect(422);
      expect(bad.body.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(bad.body.errors as object).sort()).toEqual(['category', 'extra', 'subject']);
      const jobs = await v1(alice).post('/v1/tickets').send({ subject: 's', body: 'b', category: 'generation_problem', jobIds: ['7b1e8a4e-5f0b-4f57-9d53-1f6bb7c9b8a1'] }).expect(422);
      expect(jobs.body.code).toBe('LINKED_JOB_NOT_FOUND');
      await request(t.server).post('/v1/tickets').send({ subject: 's', body: 'b', category: 'other' }).expect(401);
    });

    it('attach png/jpeg/pdf/txt with a SHA-256, and refuse oversized or disguised files without creating anything', async () => {
      const before = ((await ds.query(`SELECT count(*)::int AS n FROM support_tickets WHERE user_id = $1`, [alice.id])) as Array<{ n: number }>)[0]?.n;
      const res = await v1(alice)
        .post('/v1/tickets')
        .field('subject', 'Screenshot of the error')
        .field('body', 'See attached')
        .field('category', 'generation_problem')
        .attach('attachments', PNG, { filename: '../../shot.png', contentType: 'image/png' })
        .attach('attachments', Buffer.from('log line 1\nlog line 2\n'), { filename: 'log.txt', contentType: 'text/plain' })
        .expect(201);
      const ticket = res.body as TicketJson;
      expect(ticket.attachments).toHaveLength(2);
      const png = ticket.attachments.find((a) => a.contentType === 'image/png');
      expect(png).toMatchObject({ fileName: 'shot.png', sizeBytes: PNG.length, sha256: createHash('sha256').update(PNG).digest('hex') });
      const download = await v1(alice).get(`/v1/tickets/${ticket.id}/attachments/${png?.id}`).buffer(true).expect(200);
      expect(Buffer.compare(download.body as Buffer, PNG)).toBe(0);
      expect(download.headers['content-disposition']).toMatch(/^attachment/);
      await v1(bob).get(`/v1/tickets/${ticket.id}/attachments/${png?.id}`).expect(404);

      const huge = await v1(alice)
        .post('/v1/tickets')
        .field('subject', 'big')
        .field('body', 'big')
        .field('category', 'other')
        .attach('attachments', Buffer.alloc(10 * 1024 * 1024 + 1, 0x61), { filename: 'big.txt', contentType: 'text/plain' })
        .expect(413);
      expect(huge.body.code).toBe('ATTACHMENT_TOO_LARGE');
      const exe = await v1(alice)
        .post('/v1/tickets')
        .field('subject', 'exe')
        .field('body', 'exe')
        .field('category', 'other')
        .attach('attachments', Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]), { filename: 'cat.png', contentType: 'image/png' })
        .expect(415);
      expect(exe.body.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
      const html = await v1(alice)
        .post(`/v1/tickets/${ticket.id}/messages`)
        .field('body', 'page')
        .attach('attachments', Buffer.from('<script>alert(1)</script>'), { filename: 'x.html', contentType: 'text/html' })
        .expect(415);
      expect(html.body.code).toBe('ATTACHMENT_TYPE_NOT_ALLOWED');
      const after = ((await ds.query(`SELECT count(*)::int AS n FROM support_tickets WHERE user_id = $1`, [alice.id])) as Array<{ n: number }>)[0]?.n;
      expect(after).toBe((before ?? 0) + 1);
      expect(await counts(ticket.id)).toMatchObject({ messages: 1, attachments: 2 });
    });
  });

  describe('agents', () => {
    it('reply publicly (emailed through the outbox) and note internally (never through /v1)', async () => {
      const ticket = await openTicket(alice);
      const seen = (await admin('agent').get(`/admin/tickets/${ticket.id}`).expect(200)).body as TicketJson;
      expect(seen.sla.firstResponseDueAt).not.toBeNull();
      expect(seen.account).toMatchObject({ status: 'active', restricted: false });
      const noted = await admin('agent').post(`/admin/tickets/${ticket.id}/note`).send({ body: 'Provider outage INC-42; internal only' }).expect(200);
      const replied = await admin('agent')
        .post(`/admin/tickets/${ticket.id}/reply`)
        .send({ body: 'We refunded the credits; please try again.', lastSeenMessageId: (noted.body as TicketJson).lastMessageId })
        .expect(200);
      expect((replied.body as TicketJson).status).toBe('open');
      expect((replied.body as TicketJson).messages.map((m) => m.kind)).toEqual(['user_message', 'internal_note', 'public_reply']);

      const mine = (await v1(alice).get(`/v1/tickets/${ticket.id}`).expect(200)).body as TicketJson;
      expect(mine.messages.map((m) => [m.from, m.body])).toEqual([
        ['you', 'It stopped at 40%.'],
        ['support', 'We refunded the credits; please try again.'],
      ]);
      expect(JSON.stringify(mine)).not.toContain('INC-42');
      const [mail] = (await ds.query(`SELECT kind, class, recipient, user_id AS "userId" FROM notifications WHERE kind = 'support.reply' AND user_id = $1 ORDER BY created_at DESC LIMIT 1`, [
        alice.id,
      ])) as Array<Record<string, unknown>>;
      expect(mail).toEqual({ kind: 'support.reply', class: 'service_critical', recipient: 'alice.support@example.test', userId: alice.id });
      const audit = (await ds.query(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY sequence`, [ticket.id])) as Array<{ action: string }>;
      expect(audit.map((a) => a.action)).toEqual(['ticket.create', 'ticket.read', 'ticket.note', 'ticket.reply']);
    });

    it('warn of a collision when someone else replied since the last message seen (409, nothing sent)', async () => {
      const ticket = await openTicket(alice);
      const firstSeen = ticket.messages[0]?.id;
      const seen = ((await admin('agent').get(`/admin/tickets/${ticket.id}`).expect(200)).body as TicketJson).lastMessageId;
      expect(seen).toBe(firstSeen);
      await admin('agent').post(`/admin/tickets/${ticket.id}/reply`).send({ body: 'First answer', lastSeenMessageId: seen }).expect(200);
      const before = await counts(ticket.id);
      const late = await admin('agent2').post(`/admin/tickets/${ticket.id}/reply`).send({ body: 'Second answer', lastSeenMessageId: seen }).expect(409);
      expect(late.body.code).toBe('TICKET_COLLISION');
      expect(await counts(ticket.id)).toEqual(before);
    });

    it('assign to themselves or another agent, never to a non-agent', async () => {
      const ticket = await openTicket(alice);
      const self = await admin('agent').post(`/admin/tickets/${ticket.id}/assign`).send({ assigneeId: staff.agent.id }).expect(200);
      expect((self.body as TicketJson).assigneeId).toBe(staff.agent.id);
      for (const who of ['auditor', 'privacy'] as const) {
        const res = await admin('agent').post(`/admin/tickets/${ticket.id}/assign`).send({ assigneeId: staff[who].id }).expect(422);
        expect(res.body.code).toBe('ASSIGNEE_NOT_AGENT');
      }
      const [row] = (await ds.query(`SELECT assignee_id AS "assigneeId" FROM support_tickets WHERE id = $1`, [ticket.id])) as Array<{ assigneeId: string }>;
      expect(row?.assigneeId).toBe(staff.agent.id);
      const mine = await admin('agent').get(`/admin/tickets?filter=${encodeURIComponent(JSON.stringify({ assigneeId: staff.agent.id }))}`).expect(200);
      expect((mine.body as TicketJson[]).map((x) => x.id)).toContain(ticket.id);
      const unassigned = await admin('agent').get(`/admin/tickets?filter=${encodeURIComponent(JSON.stringify({ unassigned: true }))}`).expect(200);
      expect((unassigned.body as TicketJson[]).map((x) => x.id)).not.toContain(ticket.id);
    });

    it('pause the SLA while pending; a user reply reopens solved tickets; closed tickets refuse replies', async () => {
      const ticket = await openTicket(alice);
      const pending = await admin('agent').post(`/admin/tickets/${ticket.id}/reply`).send({ body: 'Which browser?', lastSeenMessageId: ticket.messages[0]?.id, status: 'pending' }).expect(200);
      expect((pending.body as TicketJson).sla.paused).toBe(true);
      const reopened = await v1(alice).post(`/v1/tickets/${ticket.id}/messages`).send({ body: 'Firefox' }).expect(201);
      expect((reopened.body as TicketJson).status).toBe('open');
      await admin('agent').post(`/admin/tickets/${ticket.id}/status`).send({ status: 'solved' }).expect(200);
      expect((await v1(alice).post(`/v1/tickets/${ticket.id}/messages`).send({ body: 'Still broken' }).expect(201)).body.status).toBe('open');
      await admin('agent').post(`/admin/tickets/${ticket.id}/status`).send({ status: 'solved' }).expect(200);
      await admin('agent').post(`/admin/tickets/${ticket.id}/status`).send({ status: 'closed' }).expect(200);
      const before = await counts(ticket.id);
      const userReply = await v1(alice).post(`/v1/tickets/${ticket.id}/messages`).send({ body: 'hello?' }).expect(409);
      expect(userReply.body.code).toBe('TICKET_CLOSED');
      const agentReply = await admin('agent').post(`/admin/tickets/${ticket.id}/reply`).send({ body: 'late', lastSeenMessageId: null }).expect(409);
      expect(agentReply.body.code).toBe('TICKET_CLOSED');
      const reopen = await admin('agent').post(`/admin/tickets/${ticket.id}/status`).send({ status: 'open' }).expect(409);
      expect(reopen.body.code).toBe('TICKET_CLOSED');
      expect(await counts(ticket.id)).toEqual(before);
      const bad = await admin('agent').post(`/admin/tickets/${ticket.id}/status`).send({ status: 'archived' }).expect(422);
      expect(bad.body.errors).toHaveProperty('status');
    });

    it('flag breached tickets in the sweep and close solved ones after the configured days', async () => {
      const late = await openTicket(alice);
      await ds.query(`UPDATE support_tickets SET first_response_due_at = now() - interval '1 minute' WHERE id = $1`, [late.id]);
      expect(await t.app.get(SupportSchedule).sweepSla()).toBeGreaterThanOrEqual(1);
      const breached = await admin('agent').get(`/admin/tickets?filter=${encodeURIComponent(JSON.stringify({ breached: true }))}`).expect(200);
      expect((breached.body as TicketJson[]).map((x) => x.id)).toContain(late.id);
      const solved = await openTicket(alice);
      await admin('agent').post(`/admin/tickets/${solved.id}/status`).send({ status: 'solved' }).expect(200);
      await ds.query(`UPDATE support_tickets SET solved_at = now() - interval '8 days' WHERE id = $1`, [solved.id]);
      expect(await t.app.get(SupportSchedule).autoClose()).toBe(1);
      expect((await counts(solved.id)).status).toBe('closed');
      const [entry] = (await ds.query(`SELECT actor_type AS "actorType", details FROM audit_log WHERE action = 'ticket.auto_close' AND subject_id = $1`, [solved.id])) as Array<Record<string, unknown>>;
      expect(entry).toMatchObject({ actorType: 'system', details: { before: { status: 'solved' }, after: { status: 'closed' } } });
    });
  });

  describe('security reports', () => {
    it('are urgent and visible to admins and privacy officers only', async () => {
      const report = await openTicket(bob, { category: 'security_report', subject: 'XSS in profile', body: 'details' });
      expect(report.priority).toBe('urgent');
      await admin('agent').get(`/admin/tickets/${report.id}`).expect(404);
      await admin('agent').post(`/admin/tickets/${report.id}/reply`).send({ body: 'x', lastSeenMessageId: null }).expect(404);
      const agentList = await admin('agent').get('/admin/tickets?range=[0,499]').expect(200);
      expect((agentList.body as TicketJson[]).map((x) => x.id)).not.toContain(report.id);
      for (const who of ['admin', 'privacy'] as const) {
        const list = await admin(who).get('/admin/tickets?range=[0,499]').expect(200);
        expect((list.body as TicketJson[]).map((x) => x.id)).toContain(report.id);
      }
      const lower = await admin('admin').post(`/admin/tickets/${report.id}/priority`).send({ priority: 'low' }).expect(409);
      expect(lower.body.code).toBe('TICKET_PRIORITY_LOCKED');
      const toAgent = await admin('admin').post(`/admin/tickets/${report.id}/assign`).send({ assigneeId: staff.agent.id }).expect(422);
      expect(toAgent.body.code).toBe('ASSIGNEE_CANNOT_SEE_TICKET');
    });
  });

  describe('guest tickets by emailed code', () => {
    it('answer the same for any address and open the ticket once the code is shown', async () => {
      const known = await request(t.server)
        .post('/v1/tickets/guest')
        .send({ email: 'Alice.Support@example.test', category: 'account', subject: 'Locked out', body: 'I lost access' })
        .expect(202);
      const unknown = await request(t.server)
        .post('/v1/tickets/guest')
        .send({ email: 'nobody.here@example.test', category: 'account', subject: 'Locked out', body: 'I lost access' })
        .expect(202);
      expect(Object.keys(known.body as object).sort()).toEqual(Object.keys(unknown.body as object).sort());
      expect((known.body as { message: string }).message).toBe((unknown.body as { message: string }).message);
      const notAllowed = await request(t.server).post('/v1/tickets/guest').send({ email: 'x@example.test', category: 'billing', subject: 's', body: 'b' }).expect(422);
      expect(notAllowed.body.errors).toHaveProperty('category');

      const mail = await lastMail('alice.support@example.test', 'support.guest_code');
      const code = /\b(\d{6})\b/.exec(mail.text)?.[1] ?? '';
      const wrong = await request(t.server).post(`/v1/tickets/guest/${known.body.requestId}/verify`).send({ code: code === '000000' ? '000001' : '000000' }).expect(400);
      expect(wrong.body.code).toBe('INVALID_CODE');
      const opened = await request(t.server).post(`/v1/tickets/guest/${known.body.requestId}/verify`).send({ code }).expect(201);
      expect(opened.body).toMatchObject({ ticketNumber: expect.any(Number) });
      await request(t.server).post(`/v1/tickets/guest/${known.body.requestId}/verify`).send({ code }).expect(400);
      const [row] = (await ds.query(`SELECT user_id AS "userId", requester_email AS email, channel FROM support_tickets WHERE number = $1`, [opened.body.ticketNumber])) as Array<Record<string, unknown>>;
      expect(row).toEqual({ userId: alice.id, email: 'alice.support@example.test', channel: 'guest_email' });
    });
  });

  describe('macros, conversion and reports', () => {
    it('let admins manage canned replies that agents can read but not change', async () => {
      const created = await admin('admin').post('/admin/ticket-macros').send({ title: 'Refund issued', body: 'We refunded {{credits}} credits.', category: 'billing' }).expect(201);
      await admin('admin').post('/admin/ticket-macros').send({ title: 'refund issued', body: 'dup' }).expect(409);
      const list = await admin('agent').get('/admin/ticket-macros').expect(200);
      expect((list.body as Array<{ id: string }>).map((m) => m.id)).toContain(created.body.id);
      await admin('agent').post('/admin/ticket-macros').send({ title: 'Mine', body: 'x' }).expect(403);
      await admin('admin').put(`/admin/ticket-macros/${created.body.id}`).send({ title: 'Refund issued', body: 'Updated', category: null }).expect(200);
    });

    it('refuse a privacy conversion without a request type, or of a ticket that is not about privacy, and a refund of a job not linked', async () => {
      const privacy = await openTicket(alice, { category: 'privacy', subject: 'Delete my data', body: 'Please delete my account' });
      const res = await admin('admin').post(`/admin/tickets/${privacy.id}/convert-to-privacy-request`).send({}).expect(422);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(res.body.errors as object)).toEqual(['type']);
      const other = await openTicket(alice);
      expect((await admin('admin').post(`/admin/tickets/${other.id}/convert-to-privacy-request`).send({ type: 'deletion' }).expect(409)).body.code).toBe('PRIVACY_CONVERSION_NOT_ALLOWED');
      expect(((await ds.query(`SELECT count(*)::int AS n FROM privacy_requests WHERE user_id = $1`, [alice.id])) as Array<{ n: number }>)[0]?.n).toBe(0);
      const notLinked = await admin('agent').post(`/admin/tickets/${other.id}/refund-job`).send({ jobId: '7b1e8a4e-5f0b-4f57-9d53-1f6bb7c9b8a1', reason: 'Failed render' }).expect(422);
      expect(notLinked.body.code).toBe('JOB_NOT_LINKED');
      await admin('auditor').post(`/admin/tickets/${other.id}/refund-job`).send({ jobId: '7b1e8a4e-5f0b-4f57-9d53-1f6bb7c9b8a1', reason: 'Failed render' }).expect(403);
    });

    it('show the user’s credits and adjust them through the ledger, within the support agents’ limit, once per request id', async () => {
      const ticket = await openTicket(bob, { category: 'billing', subject: 'Charged twice' });
      const before = ((await admin('agent').get(`/admin/tickets/${ticket.id}`).expect(200)).body as { credits: { available: number } }).credits;
      expect(before).toEqual({ balance: 0, held: 0, available: 0 });
      const requestId = '5d0c7a9e-8c43-4d5e-9a3b-6f1e2d3c4b5a';
      const adjusted = await admin('agent').post(`/admin/tickets/${ticket.id}/adjust-credits`).send({ amount: 25, reason: 'Double charge goodwill', requestId }).expect(200);
      expect((adjusted.body as { credits: unknown }).credits).toEqual({ balance: 25, held: 0, available: 25 });
      await admin('agent').post(`/admin/tickets/${ticket.id}/adjust-credits`).send({ amount: 25, reason: 'Double charge goodwill', requestId }).expect(200);
      const entries = (await ds.query(`SELECT amount, reference_type AS "type", reference_id AS "ref" FROM credit_entries WHERE user_id = $1`, [bob.id])) as Array<{ amount: number; type: string; ref: string }>;
      expect(entries).toEqual([{ amount: 25, type: 'support_ticket', ref: `${ticket.id}/${requestId}` }]);
      const over = await admin('agent').post(`/admin/tickets/${ticket.id}/adjust-credits`).send({ amount: 5000, reason: 'Too generous', requestId: '0b7e2f0a-1c2d-4e3f-8a9b-0c1d2e3f4a5b' }).expect(403);
      expect(over.body.code).toBe('ADJUSTMENT_LIMIT_EXCEEDED');
      await admin('privacy').post(`/admin/tickets/${ticket.id}/adjust-credits`).send({ amount: 1, reason: 'nope', requestId: '1b7e2f0a-1c2d-4e3f-8a9b-0c1d2e3f4a5b' }).expect(403);
      const bad = await admin('agent').post(`/admin/tickets/${ticket.id}/adjust-credits`).send({ amount: 1.5, reason: 'x' }).expect(422);
      expect(Object.keys(bad.body.errors as object).sort()).toEqual(['amount', 'reason', 'requestId']);
    });

    it('report volume, response times and breach rates, as JSON and CSV, to roles that read reports', async () => {
      const res = await admin('admin').get('/admin/tickets/report').expect(200);
      const total = (res.body.rows as Array<{ dimension: string; volume: number; firstResponseMedianSeconds: number | null }>).find((r) => r.dimension === 'total');
      const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM support_tickets WHERE created_at >= now() - interval '30 days'`)) as [{ n: number }];
      expect(total?.volume).toBe(n);
      expect(total?.firstResponseMedianSeconds).not.toBeNull();
      const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
      const csv = await admin('auditor').get(`/admin/tickets/report.csv?from=${encodeURIComponent(from)}`).expect(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      expect(csv.text.split('\r\n')[1]).toMatch(/^total,all,\d+,/);
      await admin('agent').get('/admin/tickets/report').expect(403);
      expect((await admin('admin').get('/admin/tickets/report?from=2020-01-01').expect(422)).body.errors).toHaveProperty('to');
      expect((await admin('admin').get('/admin/tickets/report?from=2026-13-45').expect(422)).body.errors).toHaveProperty('from');
    });
  });

  describe('personal data (support.tickets)', () => {
    it('exports the user’s tickets without notes and erases them by anonymising', async () => {
      const carol = await userWithToken(t.app, 'carol.support@example.test');
      const ticket = await openTicket(carol, { body: 'My IP is 203.0.113.9, mail me at carol.support@example.test' });
      const noted = await admin('agent').post(`/admin/tickets/${ticket.id}/note`).send({ body: 'secret note' }).expect(200);
      await admin('agent').post(`/admin/tickets/${ticket.id}/reply`).send({ body: 'Copying dave@example.test', lastSeenMessageId: (noted.body as TicketJson).lastMessageId }).expect(200);
      await v1(carol).post(`/v1/tickets/${ticket.id}/messages`).field('body', 'file').attach('attachments', PNG, { filename: 'a.png', contentType: 'image/png' }).expect(201);
      const source = t.app.get(PersonalDataRegistry).get('support.tickets');
      expect(source).toBeDefined();
      const records = await collectRecords(source!, { userId: carol.id });
      expect(records).toHaveLength(1);
      const json = JSON.stringify(records[0]?.data);
      expect(json).not.toContain('secret note');
      expect(json).not.toContain('dave@example.test');
      expect(json).toContain('203.0.113.9');
      expect(records[0]?.media).toHaveLength(1);
      const media = (records[0]?.media ?? [])[0];
      const key = media?.storageKey ?? '';
      expect(await t.app.get(StorageService).exists(key)).toBe(true);
      const readAll = async (stream: NodeJS.ReadableStream): Promise<Buffer> => {
        const chunks: Buffer[] = [];
        for await (const chunk of stream) chunks.push(chunk as Buffer);
        return Buffer.concat(chunks);
      };
      // Stored sealed (the driver sees no PNG); storage opens it for the package as it reads it.
      expect((await readAll((await t.app.get<ObjectStorage>(OBJECT_STORAGE).get(key)).stream)).includes(PNG)).toBe(false);
      expect(await readAll((await t.app.get(StorageService).get(key)).stream)).toEqual(PNG);

      const outcome = await source!.erase({ userId: carol.id });
      expect(outcome).toMatchObject({ deleted: 1, anonymised: 1 });
      expect(await t.app.get(StorageService).exists(key)).toBe(false);
      const bodies = (await ds.query(`SELECT body, body_sealed AS sealed FROM support_ticket_messages WHERE ticket_id = $1`, [ticket.id])) as Array<{ body: string | null; sealed: Buffer | null }>;
      expect(bodies.length).toBeGreaterThan(0);
      expect(bodies.every((b) => b.body === null && b.sealed === null)).toBe(true);
      const [row] = (await ds.query(`SELECT subject, subject_sealed AS sealed, user_id AS "userId", anonymised_at AS "anonymisedAt" FROM support_tickets WHERE id = $1`, [ticket.id])) as Array<Record<string, unknown>>;
      expect(row).toMatchObject({ subject: null, sealed: null, userId: null });
      expect(row?.anonymisedAt).not.toBeNull();
      expect(await collectRecords(source!, { userId: carol.id })).toEqual([]);
      expect(await source!.erase({ userId: carol.id })).toMatchObject({ deleted: 0, anonymised: 0 });
    });
  });
});
