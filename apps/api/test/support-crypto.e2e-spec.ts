// Support text and files at rest (decision 019): sealed with the requester's data key (files in
// storage's sealed stream, decision 018), readable on every path, byte ranges included, unreadable
// (410 / "[erased]") once the key is destroyed; older clear rows sealed by the backfill; and the
// `tickets` retention sweep anonymising closed tickets after 730 days unless held.
import { createHash, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { PersonalDataRegistry } from '../src/personal-data/personal-data.registry';
import { PackageBuilder } from '../src/privacy-packages/package-builder.service';
import { RetentionService } from '../src/retention/retention.service';
import type { ObjectStorage } from '../src/storage/object-storage';
import { OBJECT_STORAGE, StorageService } from '../src/storage/storage.service';
import { SupportSealBackfill } from '../src/support/support-seal-backfill.service';
import { TicketsService } from '../src/support/tickets.service';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';
import { readZip } from './support/zip-reader';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452', 'hex'), Buffer.alloc(64, 9)]);
/** A plain-text file of three sealed segments (64 KiB each), every line numbered so that any range is recognisable. */
const LOG = Buffer.from(Array.from({ length: 6000 }, (_, i) => `line ${String(i).padStart(5, '0')} of the render log\n`).join(''));
const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

function binary(res: request.Response, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

interface TicketJson {
  id: string;
  number: number;
  subject: string;
  lastMessageId: string | null;
  anonymisedAt?: string | null;
  messages: Array<{ id: string; kind?: string; body: string }>;
  attachments: Array<{ id: string; fileName: string; sizeBytes: number }>;
}

describe('support text encrypted at rest and the tickets retention sweep', () => {
  let t: TestApp;
  let ds: DataSource;
  let staff: { id: string; token: string };

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    const id = await ensureStaff(t.app, 'admin', 'admin.crypto@soar2.test');
    staff = { id, token: await issueStaffToken(t.app, id) };
  });

  afterAll(async () => {
    await t?.close();
  });

  const v1 = (user: { token: string }) => ({
    get: (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${user.token}`),
    post: (path: string) => request(t.server).post(path).set('Authorization', `Bearer ${user.token}`),
  });
  const console_ = {
    get: (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${staff.token}`),
    post: (path: string) => request(t.server).post(path).set('Authorization', `Bearer ${staff.token}`),
  };
  const listFiltered = (filter: Record<string, unknown>) => console_.get(`/admin/tickets?filter=${encodeURIComponent(JSON.stringify(filter))}`);

  /** The object's bytes as the storage driver holds them (what a storage snapshot would contain). */
  async function objectBytes(key: string): Promise<Buffer> {
    const read = await t.app.get<ObjectStorage>(OBJECT_STORAGE).get(key);
    const chunks: Buffer[] = [];
    for await (const chunk of read.stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async function openWithFile(user: { token: string }, subject: string, body: string): Promise<TicketJson> {
    const res = await v1(user)
      .post('/v1/tickets')
      .field('subject', subject)
      .field('body', body)
      .field('category', 'generation_problem')
      .attach('attachments', PNG, { filename: 'passport-scan.png', contentType: 'image/png' })
      .expect(201);
    return res.body as TicketJson;
  }

  it('stores subjects, messages, notes, replies, file names and files only sealed, and reads them back on every path', async () => {
    const ada = await userWithToken(t.app, 'ada.crypto@example.test');
    const ticket = await openWithFile(ada, 'Lighthouse render broke', 'My lighthouse video stopped at 40%');
    const noted = await console_.post(`/admin/tickets/${ticket.id}/note`).send({ body: 'Ada sounds upset about the lighthouse' }).expect(200);
    await console_.post(`/admin/tickets/${ticket.id}/reply`).send({ body: 'We re-ran your lighthouse job', lastSeenMessageId: (noted.body as TicketJson).lastMessageId }).expect(200);

    const [row] = (await ds.query(`SELECT row_to_json(t)::text AS j FROM support_tickets t WHERE id = $1`, [ticket.id])) as Array<{ j: string }>;
    const messages = (await ds.query(`SELECT body, body_sealed AS sealed FROM support_ticket_messages WHERE ticket_id = $1`, [ticket.id])) as Array<{ body: string | null; sealed: Buffer }>;
    const files = (await ds.query(`SELECT file_name AS "fileName", file_name_sealed AS "nameSealed", storage_key AS "key", sealed FROM support_ticket_attachments WHERE ticket_id = $1`, [ticket.id])) as Array<{
      fileName: string | null;
      nameSealed: Buffer;
      key: string;
      sealed: boolean;
    }>;
    expect(row?.j).not.toMatch(/lighthouse/i);
    expect(messages).toHaveLength(3);
    for (const m of messages) {
      expect(m.body).toBeNull();
      expect(m.sealed.includes(Buffer.from('lighthouse'))).toBe(false);
    }
    expect(files).toEqual([expect.objectContaining({ fileName: null, sealed: true })]);
    expect(files[0]?.nameSealed.includes(Buffer.from('passport'))).toBe(false);
    const stored = await objectBytes(files[0]?.key ?? '');
    expect(stored.includes(PNG.subarray(8))).toBe(false);
    expect(await t.app.get(StorageService).sealedOwner(files[0]?.key ?? '')).toBe(ada.id);

    const mine = await v1(ada).get(`/v1/tickets/${ticket.id}`).expect(200);
    expect(mine.body).toMatchObject({ subject: 'Lighthouse render broke' });
    expect((mine.body as TicketJson).messages.map((m) => m.body)).toEqual(['My lighthouse video stopped at 40%', 'We re-ran your lighthouse job']);
    expect((mine.body as TicketJson).attachments).toEqual([expect.objectContaining({ fileName: 'passport-scan.png', sizeBytes: PNG.length })]);
    const list = await v1(ada).get('/v1/tickets').expect(200);
    expect((list.body as TicketJson[]).map((x) => x.subject)).toEqual(['Lighthouse render broke']);
    const download = await v1(ada).get(`/v1/tickets/${ticket.id}/attachments/${ticket.attachments[0]?.id}`).buffer(true).expect(200);
    expect(Buffer.compare(download.body as Buffer, PNG)).toBe(0);
    expect(download.headers['content-disposition']).toContain('passport-scan.png');

    const shown = await console_.get(`/admin/tickets/${ticket.id}`).expect(200);
    expect((shown.body as TicketJson).messages.map((m) => m.body)).toEqual(['My lighthouse video stopped at 40%', 'Ada sounds upset about the lighthouse', 'We re-ran your lighthouse job']);
    const staffDownload = await console_.get(`/admin/tickets/${ticket.id}/attachments/${ticket.attachments[0]?.id}`).buffer(true).expect(200);
    expect(Buffer.compare(staffDownload.body as Buffer, PNG)).toBe(0);
    const inbox = await listFiltered({ userId: ada.id }).expect(200);
    expect((inbox.body as TicketJson[]).map((x) => x.subject)).toEqual(['Lighthouse render broke']);

    // The outbox gets the reply in plain text, as before.
    const mail = (await ds.query(`SELECT subject, text_body AS text FROM notifications WHERE recipient = $1 AND kind = 'support.reply'`, ['ada.crypto@example.test'])) as Array<{ subject: string; text: string }>;
    expect(mail).toEqual([expect.objectContaining({ subject: `Re: [#${ticket.number}] Lighthouse render broke` })]);
    expect(mail[0]?.text).toContain('We re-ran your lighthouse job');
  });

  it('searches the inbox by number, email or id only, and says why text search is refused', async () => {
    const bea = await userWithToken(t.app, 'bea.crypto@example.test');
    const res = await v1(bea).post('/v1/tickets').send({ subject: 'Findable by number', body: 'hello', category: 'billing' }).expect(201);
    const ticket = res.body as TicketJson;
    const q = (text: string) => listFiltered({ q: text });
    expect(((await q(`#${ticket.number}`).expect(200)).body as TicketJson[]).map((x) => x.id)).toEqual([ticket.id]);
    expect(((await q('BEA.crypto@example.test').expect(200)).body as TicketJson[]).map((x) => x.id)).toEqual([ticket.id]);
    expect(((await q(bea.id).expect(200)).body as TicketJson[]).map((x) => x.id)).toEqual([ticket.id]);
    expect(((await q(ticket.id).expect(200)).body as TicketJson[]).map((x) => x.id)).toEqual([ticket.id]);
    const refused = await q('Findable').expect(422);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    expect(refused.body.errors.q).toMatch(/encrypted/);
  });

  it('shows "[erased]" in lists and answers 410 DATA_KEY_DESTROYED for the content once the key is destroyed', async () => {
    const cleo = await userWithToken(t.app, 'cleo.crypto@example.test');
    const ticket = await openWithFile(cleo, 'Cleo private subject', 'Cleo private body');
    await t.app.get(DataKeysService).destroy(cleo.id);

    expect(((await v1(cleo).get('/v1/tickets').expect(200)).body as TicketJson[]).map((x) => x.subject)).toEqual(['[erased]']);
    expect((await v1(cleo).get(`/v1/tickets/${ticket.id}`).expect(410)).body.code).toBe('DATA_KEY_DESTROYED');
    expect((await v1(cleo).get(`/v1/tickets/${ticket.id}/attachments/${ticket.attachments[0]?.id}`).expect(410)).body.code).toBe('DATA_KEY_DESTROYED');
    expect(((await listFiltered({ userId: cleo.id }).expect(200)).body as TicketJson[]).map((x) => x.subject)).toEqual(['[erased]']);
    expect((await console_.get(`/admin/tickets/${ticket.id}`).expect(410)).body.code).toBe('DATA_KEY_DESTROYED');
    expect((await console_.get(`/admin/tickets/${ticket.id}/attachments/${ticket.attachments[0]?.id}`).expect(410)).body.code).toBe('DATA_KEY_DESTROYED');
    expect((await console_.post(`/admin/tickets/${ticket.id}/reply`).send({ body: 'hello?', lastSeenMessageId: null }).expect(410)).body.code).toBe('DATA_KEY_DESTROYED');
    const [{ n }] = (await ds.query(`SELECT count(*)::int AS n FROM support_ticket_messages WHERE ticket_id = $1`, [ticket.id])) as [{ n: number }];
    expect(n).toBe(1);
  });

  it('serves byte ranges of a sealed attachment (206) with the sealed object’s ETag, and 410 DATA_KEY_DESTROYED for them once the key is destroyed', async () => {
    const hal = await userWithToken(t.app, 'hal.crypto@example.test');
    const created = await v1(hal)
      .post('/v1/tickets')
      .field('subject', 'Render log attached')
      .field('body', 'The render stopped, log attached')
      .field('category', 'generation_problem')
      .attach('attachments', LOG, { filename: 'render-log.txt', contentType: 'text/plain' })
      .expect(201);
    const ticket = created.body as TicketJson;
    const userPath = `/v1/tickets/${ticket.id}/attachments/${ticket.attachments[0]?.id}`;
    const staffPath = `/admin/tickets/${ticket.id}/attachments/${ticket.attachments[0]?.id}`;
    const [row] = (await ds.query(`SELECT sha256, size_bytes AS size, storage_key AS key FROM support_ticket_attachments WHERE id = $1`, [ticket.attachments[0]?.id])) as Array<{
      sha256: string;
      size: number;
      key: string;
    }>;
    // The row keeps the file's own size and SHA-256; storage's ETag is the SHA-256 of the sealed bytes it holds.
    expect(row).toMatchObject({ sha256: sha256(LOG), size: LOG.length });
    const sealed = await objectBytes(row?.key ?? '');
    expect(sealed.includes(LOG.subarray(0, 64))).toBe(false);
    const etag = `"${sha256(sealed)}"`;

    // A range across the first 64 KiB segment boundary, and a suffix range from the last segment.
    const [start, end] = [65_000, 66_999];
    const part = await v1(hal).get(userPath).set('Range', `bytes=${start}-${end}`).buffer(true).parse(binary).expect(206);
    expect(part.headers).toMatchObject({ 'content-range': `bytes ${start}-${end}/${LOG.length}`, 'content-length': '2000', 'content-type': 'text/plain', etag });
    expect(part.headers['content-disposition']).toContain('render-log.txt');
    expect(Buffer.compare(part.body as Buffer, LOG.subarray(start, end + 1))).toBe(0);
    const tail = await console_.get(staffPath).set('Range', 'bytes=-100').buffer(true).parse(binary).expect(206);
    expect(Buffer.compare(tail.body as Buffer, LOG.subarray(LOG.length - 100))).toBe(0);
    const whole = await v1(hal).get(userPath).buffer(true).parse(binary).expect(200);
    expect(whole.headers).toMatchObject({ 'accept-ranges': 'bytes', etag, 'content-length': String(LOG.length) });
    expect(Buffer.compare(whole.body as Buffer, LOG)).toBe(0);
    await v1(hal).get(userPath).set('If-None-Match', etag).expect(304);
    expect((await v1(hal).get(userPath).set('Range', `bytes=${LOG.length}-`).expect(416)).body.code).toBe('RANGE_NOT_SATISFIABLE');

    await t.app.get(DataKeysService).destroy(hal.id);
    expect((await v1(hal).get(userPath).set('Range', `bytes=${start}-${end}`).expect(410)).body.code).toBe('DATA_KEY_DESTROYED');
    expect((await console_.get(staffPath).set('Range', 'bytes=0-99').expect(410)).body.code).toBe('DATA_KEY_DESTROYED');
    // Past the ticket's own checks, the object itself no longer opens either.
    await expect(t.app.get(StorageService).get(row?.key ?? '', { range: { start, end } })).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });
  });

  it('puts the opened attachment in the access package, listed with the file’s own SHA-256', async () => {
    const ivy = await userWithToken(t.app, 'ivy.crypto@example.test');
    const ticket = await openWithFile(ivy, 'Ivy package subject', 'Ivy package body');
    const attachmentId = ticket.attachments[0]?.id ?? '';
    const [row] = (await ds.query(`SELECT sha256 FROM support_ticket_attachments WHERE id = $1`, [attachmentId])) as Array<{ sha256: string }>;
    expect(row?.sha256).toBe(sha256(PNG));

    const storageKey = `privacy-packages/test-${randomUUID()}/attempt-1.zip`;
    const built = await t.app.get(PackageBuilder).build({
      packageId: randomUUID(),
      userId: ivy.id,
      requestId: null,
      format: 'access',
      storageKey,
      generatedAt: new Date(),
      signal: new AbortController().signal,
      onCategoryDone: async () => undefined,
      onBytes: () => undefined,
    });
    const entries = await readZip(await objectBytes(built.key));
    const entry = [...entries.values()].find((e) => e.name.endsWith(`${attachmentId}-passport-scan.png`));
    expect(entry && Buffer.compare(entry.bytes, PNG)).toBe(0);
    const manifest = JSON.parse(entries.get('manifest.json')?.bytes.toString('utf8') ?? '{}') as { files: Array<{ path: string; sha256: string; size: number }> };
    expect(manifest.files.find((f) => f.path === entry?.name)).toMatchObject({ sha256: row?.sha256, size: PNG.length });
    await t.app.get(StorageService).delete(built.key);
  });

  it('seals a guest ticket without an account with a key of its own', async () => {
    const tickets = t.app.get(TicketsService);
    const guest = await ds.transaction((m) =>
      tickets.create({ userId: null, requesterEmail: 'locked.out@example.test', channel: 'guest_email', subject: 'Locked out of my account', body: 'I lost my phone', category: 'account', jobIds: [] }, m),
    );
    expect(guest.dataKeyOwner).toBe(guest.id);
    const [key] = (await ds.query(`SELECT wrapped_key IS NOT NULL AS live FROM keystore.user_data_keys WHERE user_id = $1`, [guest.id])) as Array<{ live: boolean }>;
    expect(key).toEqual({ live: true });
    const shown = await console_.get(`/admin/tickets/${guest.id}`).expect(200);
    expect(shown.body).toMatchObject({ subject: 'Locked out of my account', requesterEmail: 'locked.out@example.test' });
    expect((shown.body as TicketJson).messages.map((m) => m.body)).toEqual(['I lost my phone']);
  });

  it('erases a user’s tickets and the unheld guest tickets sent from their address, destroying the guest ticket’s own key', async () => {
    const gus = await userWithToken(t.app, 'gus.crypto@example.test');
    const own = await openWithFile(gus, 'Gus own ticket', 'Gus words');
    const guest = await ds.transaction((m) =>
      t.app.get(TicketsService).create({ userId: null, requesterEmail: 'gus.crypto@example.test', channel: 'guest_email', subject: 'Gus as a guest', body: 'Gus locked out', category: 'account', jobIds: [] }, m),
    );
    const heldGuest = await ds.transaction((m) =>
      t.app.get(TicketsService).create({ userId: null, requesterEmail: 'gus.crypto@example.test', channel: 'guest_email', subject: 'Gus held guest', body: 'evidence', category: 'account', jobIds: [] }, m),
    );
    await console_.post('/admin/legal-holds').send({ scopeType: 'ticket', scopeId: heldGuest.id, reason: 'regulator inquiry', requestedBy: 'counsel' }).expect(201);
    const [file] = (await ds.query(`SELECT storage_key AS key FROM support_ticket_attachments WHERE ticket_id = $1`, [own.id])) as Array<{ key: string }>;
    const outcome = await t.app.get(PersonalDataRegistry).get('support.tickets')!.erase({ userId: gus.id });
    expect(outcome).toMatchObject({ deleted: 1, anonymised: 2 });
    expect(((await console_.get(`/admin/tickets/${heldGuest.id}`).expect(200)).body as TicketJson).subject).toBe('Gus held guest');
    const rows = (await ds.query(`SELECT row_to_json(t)::text AS j, anonymised_at IS NOT NULL AS gone FROM support_tickets t WHERE id = ANY($1::uuid[])`, [[own.id, guest.id]])) as Array<{ j: string; gone: boolean }>;
    expect(rows.every((r) => r.gone && !/gus/i.test(r.j))).toBe(true);
    expect(await t.app.get(StorageService).exists(file?.key ?? '')).toBe(false);
    expect(await t.app.get(DataKeysService).isDestroyed(guest.id)).toBe(true);
    // The user's own key is destroyed by the erasure engine after every source ran (docs/retention.md).
    expect(((await console_.get(`/admin/tickets/${guest.id}`).expect(200)).body as TicketJson).subject).toBe('[erased]');
  });

  it('seals tickets written before encryption with the backfill, files included, and they still read the same', async () => {
    const dan = await userWithToken(t.app, 'dan.crypto@example.test');
    const ticketId = randomUUID();
    const attachmentId = randomUUID();
    const oldKey = `support/attachments/${attachmentId}`;
    const storage = t.app.get(StorageService);
    await storage.put(oldKey, PNG, { contentType: 'image/png' });
    await ds.query(
      `INSERT INTO support_tickets (id, user_id, channel, subject, category, priority, data_key_owner, text_sealed) VALUES ($1, $2, 'api', 'Legacy clear subject', 'other', 'normal', $2, false)`,
      [ticketId, dan.id],
    );
    await ds.query(`INSERT INTO support_ticket_messages (ticket_id, kind, author_type, author_user_id, body) VALUES ($1, 'user_message', 'user', $2, 'Legacy clear body')`, [ticketId, dan.id]);
    await ds.query(
      `INSERT INTO support_ticket_attachments (id, ticket_id, uploaded_by_user_id, file_name, content_type, size_bytes, sha256, storage_key) VALUES ($1, $2, $3, 'old.png', 'image/png', $4, $5, $6)`,
      [attachmentId, ticketId, dan.id, PNG.length, 'a'.repeat(64), oldKey],
    );
    // Readable before the backfill reaches it…
    expect((await v1(dan).get(`/v1/tickets/${ticketId}`).expect(200)).body).toMatchObject({ subject: 'Legacy clear subject', messages: [expect.objectContaining({ body: 'Legacy clear body' })] });

    const backfill = t.app.get(SupportSealBackfill);
    let sealed = 0;
    for (let n = await backfill.backfillBatch(10); n > 0; n = await backfill.backfillBatch(10)) sealed += n;
    expect(sealed).toBe(1);

    const [tr] = (await ds.query(`SELECT subject, subject_sealed IS NOT NULL AS sealed, text_sealed AS done FROM support_tickets WHERE id = $1`, [ticketId])) as Array<Record<string, unknown>>;
    expect(tr).toEqual({ subject: null, sealed: true, done: true });
    const [mr] = (await ds.query(`SELECT body, body_sealed IS NOT NULL AS sealed FROM support_ticket_messages WHERE ticket_id = $1`, [ticketId])) as Array<Record<string, unknown>>;
    expect(mr).toEqual({ body: null, sealed: true });
    const [ar] = (await ds.query(`SELECT file_name AS "fileName", sealed, storage_key AS "key" FROM support_ticket_attachments WHERE id = $1`, [attachmentId])) as Array<{ fileName: string | null; sealed: boolean; key: string }>;
    expect(ar).toMatchObject({ fileName: null, sealed: true });
    expect(ar?.key).not.toBe(oldKey);
    expect(await storage.exists(oldKey)).toBe(false);
    expect((await objectBytes(ar?.key ?? '')).includes(PNG.subarray(8))).toBe(false);
    expect(await storage.sealedOwner(ar?.key ?? '')).toBe(dan.id);

    // …and after it.
    const after = await v1(dan).get(`/v1/tickets/${ticketId}`).expect(200);
    expect(after.body).toMatchObject({ subject: 'Legacy clear subject', messages: [expect.objectContaining({ body: 'Legacy clear body' })], attachments: [expect.objectContaining({ fileName: 'old.png' })] });
    const download = await v1(dan).get(`/v1/tickets/${ticketId}/attachments/${attachmentId}`).buffer(true).expect(200);
    expect(Buffer.compare(download.body as Buffer, PNG)).toBe(0);
    expect(download.headers['content-type']).toBe('image/png');
    const part = await v1(dan).get(`/v1/tickets/${ticketId}/attachments/${attachmentId}`).set('Range', 'bytes=8-15').buffer(true).parse(binary).expect(206);
    expect(Buffer.compare(part.body as Buffer, PNG.subarray(8, 16))).toBe(0);
  });

  describe('retention (category tickets, 730 days after closing)', () => {
    async function closeDaysAgo(id: string, closedDaysAgo: number, openedDaysAgo = closedDaysAgo + 1): Promise<void> {
      await ds.query(
        `UPDATE support_tickets SET status = 'closed', created_at = now() - make_interval(days => $2), first_responded_at = now() - make_interval(days => $2) + interval '1 hour',
            solved_at = now() - make_interval(days => $3), closed_at = now() - make_interval(days => $3) WHERE id = $1`,
        [id, openedDaysAgo, closedDaysAgo],
      );
    }

    it('anonymises closed tickets past the period, keeps held ones (reported with the hold) and leaves open or recent ones alone', async () => {
      const frank = await userWithToken(t.app, 'frank.crypto@example.test');
      const erin = await userWithToken(t.app, 'erin.crypto@example.test');
      const tickets = t.app.get(TicketsService);
      const due = await openWithFile(frank, 'Frank old dispute', 'Frank old words');
      const heldTicket = (await v1(frank).post('/v1/tickets').send({ subject: 'Frank held ticket', body: 'kept for counsel', category: 'billing' }).expect(201)).body as TicketJson;
      const heldUser = (await v1(erin).post('/v1/tickets').send({ subject: 'Erin held user', body: 'kept for counsel', category: 'billing' }).expect(201)).body as TicketJson;
      const recent = (await v1(frank).post('/v1/tickets').send({ subject: 'Frank recent', body: 'closed last week', category: 'other' }).expect(201)).body as TicketJson;
      const open = (await v1(frank).post('/v1/tickets').send({ subject: 'Frank still open', body: 'opened long ago', category: 'other' }).expect(201)).body as TicketJson;
      const guest = await ds.transaction((m) =>
        tickets.create({ userId: null, requesterEmail: 'old.guest@example.test', channel: 'guest_email', subject: 'Guest old', body: 'Guest words', category: 'account', jobIds: [] }, m),
      );
      await ds.query(
        `INSERT INTO support_guest_requests (id, email, category, subject, body, code_hash, expires_at, used_at, ticket_id) VALUES ($1, 'old.guest@example.test', 'account', '', '', $2, now(), now(), $3)`,
        [randomUUID(), Buffer.alloc(32), guest.id],
      );
      const [dueFile] = (await ds.query(`SELECT storage_key AS key FROM support_ticket_attachments WHERE ticket_id = $1`, [due.id])) as Array<{ key: string }>;
      for (const id of [due.id, heldTicket.id, heldUser.id, guest.id]) await closeDaysAgo(id, 800);
      await closeDaysAgo(recent.id, 7);
      await ds.query(`UPDATE support_tickets SET created_at = now() - interval '900 days' WHERE id = $1`, [open.id]);
      // A ticket hold placed through the console API (the hold service finds tickets in support_tickets).
      const placed = await console_.post('/admin/legal-holds').send({ scopeType: 'ticket', scopeId: heldTicket.id, reason: 'chargeback dispute evidence', requestedBy: 'counsel' });
      expect(placed.status).toBe(201);
      const ticketHold = (placed.body as { id: string }).id;
      const [{ id: userHold }] = (await ds.query(
        `INSERT INTO legal_holds (scope_type, scope_id, reason, requested_by, created_by) VALUES ('user', $1, 'litigation about the account', 'counsel', $2) RETURNING id`,
        [erin.id, staff.id],
      )) as [{ id: string }];

      const retention = t.app.get(RetentionService);
      const [{ id: policyId }] = (await ds.query(`SELECT id FROM retention_policies WHERE category = 'tickets'`)) as [{ id: string }];
      await ds.query(`UPDATE retention_policies SET enabled = true WHERE id = $1`, [policyId]);
      const actor = { type: 'staff' as const, id: staff.id, role: 'admin' };
      const preview = await retention.preview(policyId, actor);
      expect(preview).toMatchObject({ category: 'tickets', matched: 4, held: 2, wouldProcess: 2 });
      expect(preview.heldExamples).toEqual(
        expect.arrayContaining([
          { recordId: heldTicket.id, holdId: ticketHold, reason: 'chargeback dispute evidence' },
          { recordId: heldUser.id, holdId: userHold, reason: 'litigation about the account' },
        ]),
      );
      expect(preview.heldExamples).toHaveLength(2);

      const run = await retention.startRun(policyId, 'manual', actor);
      const done = await retention.execute(run.id);
      expect(done).toMatchObject({ status: 'completed', anonymised: 2, deleted: 0, skippedOnHold: 2 });
      const audited = (await ds.query(`SELECT details FROM audit_log WHERE action = 'ticket.anonymise'`)) as Array<{ details: { tickets: number; ticketIds: string[] } }>;
      expect(audited.flatMap((a) => a.details.ticketIds).sort()).toEqual([due.id, guest.id].sort());

      // No trace of text, email or file for the anonymised ones; the row, category, times and SLA stay.
      for (const id of [due.id, guest.id]) {
        const [row] = (await ds.query(
          `SELECT row_to_json(t)::text AS j, subject, subject_sealed AS sealed, user_id AS "userId", requester_email AS email, anonymised_at AS "anonymisedAt",
                  category, closed_at AS "closedAt", first_responded_at AS "firstRespondedAt" FROM support_tickets t WHERE id = $1`,
          [id],
        )) as Array<Record<string, unknown>>;
        expect(row).toMatchObject({ subject: null, sealed: null, userId: null, email: null });
        expect(row?.anonymisedAt).not.toBeNull();
        expect(row?.closedAt).not.toBeNull();
        expect(row?.firstRespondedAt).not.toBeNull();
        expect(String(row?.j)).not.toMatch(/frank|old\.guest|example\.test/i);
        const bodies = (await ds.query(`SELECT body, body_sealed AS sealed, author_user_id AS "author" FROM support_ticket_messages WHERE ticket_id = $1`, [id])) as Array<Record<string, unknown>>;
        expect(bodies.length).toBeGreaterThan(0);
        expect(bodies.every((b) => b.body === null && b.sealed === null && b.author === null)).toBe(true);
        expect(await ds.query(`SELECT id FROM support_ticket_attachments WHERE ticket_id = $1`, [id])).toEqual([]);
      }
      expect(await t.app.get(StorageService).exists(dueFile?.key ?? '')).toBe(false);
      expect(await ds.query(`SELECT id FROM support_guest_requests WHERE ticket_id = $1 OR email = 'old.guest@example.test'`, [guest.id])).toEqual([]);
      expect(await t.app.get(DataKeysService).isDestroyed(guest.id)).toBe(true);
      expect(await t.app.get(DataKeysService).isDestroyed(frank.id)).toBe(false);
      const shown = await console_.get(`/admin/tickets/${due.id}`).expect(200);
      expect(shown.body).toMatchObject({ subject: '[erased]', userId: null, requesterEmail: null, attachments: [] });
      expect(shown.body.anonymisedAt).not.toBeNull();
      expect((shown.body as TicketJson).messages.every((m) => m.body === '[erased]')).toBe(true);

      // Held, recent and open tickets are untouched.
      for (const id of [heldTicket.id, heldUser.id, recent.id, open.id]) {
        const [row] = (await ds.query(`SELECT anonymised_at AS "anonymisedAt", subject_sealed IS NOT NULL AS sealed, user_id AS "userId" FROM support_tickets WHERE id = $1`, [id])) as Array<Record<string, unknown>>;
        expect(row).toMatchObject({ anonymisedAt: null, sealed: true });
        expect(row?.userId).not.toBeNull();
      }
      expect(((await console_.get(`/admin/tickets/${heldUser.id}`).expect(200)).body as TicketJson).subject).toBe('Erin held user');

      // Reports still count anonymised tickets (they were opened 801 days ago).
      const from = new Date(Date.now() - 805 * 86_400_000).toISOString();
      const to = new Date(Date.now() - 795 * 86_400_000).toISOString();
      const report = await console_.get(`/admin/tickets/report?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`).expect(200);
      const total = (report.body.rows as Array<{ dimension: string; volume: number; firstResponseMedianSeconds: number | null }>).find((r) => r.dimension === 'total');
      expect(total).toMatchObject({ volume: 4, firstResponseMedianSeconds: 3600 });
    });
  });
});
