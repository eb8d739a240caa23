// Retention sweeps of records kept for a legal period (privacy-request records, the credit ledger and
// Stripe references, access packages) and the audit-log archive with its verification.
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditArchiveService } from '../src/audit/audit-archive.service';
import { AuditService } from '../src/audit/audit.service';
import { StorageService } from '../src/storage/storage.service';
import { TestApp, startTestApp } from './support/test-app';
import { retentionPolicyId, runRetentionPolicy, staffRequests } from './support/retention';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';


async function readAll(storage: StorageService, key: string): Promise<Buffer> {
  const { stream } = await storage.get(key);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('records retention and the audit-log archive', () => {
  let t: TestApp;
  let ds: DataSource;
  let storage: StorageService;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp();
    ds = t.app.get(DataSource);
    storage = t.app.get(StorageService);
    for (const role of ['admin', 'privacy_officer', 'auditor'] as const) tokens[role] = await issueStaffToken(t.app, await ensureStaff(t.app, role));
  });
  afterAll(() => t?.close());

  const as = staffRequests(() => t, tokens);
  const policyId = (category: string): Promise<string> => retentionPolicyId(ds, category);
  const runPolicy = (category: string): Promise<Record<string, unknown>> => runRetentionPolicy(as, ds, category);

  async function hold(userId: string, reason: string): Promise<string> {
    const res = await as('privacy_officer').post('/admin/legal-holds').send({ scopeType: 'user', scopeId: userId, reason, requestedBy: 'DPO' }).expect(201);
    return res.body.id;
  }

  it('lists a sweep for every records category', async () => {
    const res = await as('privacy_officer').get('/admin/retention-policies').query({ range: '[0,49]' }).expect(200);
    const byCategory = Object.fromEntries((res.body as Array<{ category: string; sweepAvailable: boolean }>).map((p) => [p.category, p.sweepAvailable]));
    expect(byCategory).toMatchObject({ privacy_request_records: true, ledger_anonymisation: true, access_packages: true, audit_log_archive: true });
  });

  describe('privacy-request records (730 days after close)', () => {
    let held: string;
    let free: string;
    const ids: Record<string, string> = {};

    async function request_(userId: string, status: string, closedDaysAgo: number, proofKey: string | null): Promise<string> {
      const [row] = await ds.query(
        `INSERT INTO privacy_requests (type, requester_type, regimes, status, status_changed_at, user_id, email, subject_email, details, proposed_changes,
                                       parent_evidence, denial_reason, denial_text, extension_reason, extended_at, proof_storage_key, received_at, due_at, extension_notice_by, completed_at, code_hash)
         VALUES ('access', 'authorized_agent', '{gdpr,ccpa}', $2, now() - make_interval(days => $3), $1, 'agent@example.com', 'subject@example.com', 'Please send me everything about Jane Roe.',
                 '{"displayName":"Jane Roe"}', '{"method":"card_check","childName":"Kid Roe","reference":"ref-1"}', CASE WHEN $2 = 'denied' THEN 'unverifiable' END,
                 CASE WHEN $2 = 'denied' THEN 'Jane, we could not verify you.' END, 'Jane Roe sent a large archive.', now() - make_interval(days => $3 + 10), $4,
                 now() - make_interval(days => $3 + 40), now() - make_interval(days => $3 + 5), (now() - make_interval(days => $3 + 30))::date,
                 CASE WHEN $2 = 'completed' THEN now() - make_interval(days => $3) END, '\\x01')
         RETURNING id`,
        [userId, status, closedDaysAgo, proofKey],
      );
      const id = row.id as string;
      await ds.query(
        `INSERT INTO privacy_request_events (request_id, at, kind, to_status, actor_type, actor_id, body, visible_to_requester, details) VALUES
           ($1, now() - make_interval(days => $2 + 40), 'transition', 'received', 'anonymous', NULL, NULL, true, '{"event":"submit"}'),
           ($1, now() - make_interval(days => $2 + 20), 'message_from_requester', NULL, 'anonymous', NULL, 'My name is Jane Roe, I live at 1 Main St.', true, '{}'),
           ($1, now() - make_interval(days => $2 + 10), 'note', NULL, 'staff', 'officer', 'Called Jane Roe back.', false, '{"reason":"Jane asked for it"}'),
           ($1, now() - make_interval(days => $2), 'transition', $3, 'staff', 'officer', 'Done for Jane.', true, '{"event":"complete"}')`,
        [id, closedDaysAgo, status],
      );
      return id;
    }

    beforeAll(async () => {
      held = (await userWithToken(t.app, 'held.records@example.com')).id;
      free = (await userWithToken(t.app, 'free.records@example.com')).id;
      await storage.put(`privacy-requests/proofs/old-proof.pdf`, Buffer.from('%PDF agent authorization of Jane Roe'), { contentType: 'application/pdf' });
      ids.old = await request_(free, 'completed', 800, 'privacy-requests/proofs/old-proof.pdf');
      ids.oldDenied = await request_(free, 'denied', 731, null);
      ids.recent = await request_(free, 'completed', 100, null);
      ids.open = await request_(free, 'in_review', 900, null);
      ids.held = await request_(held, 'completed', 900, null);
      await hold(held, 'Litigation: keep the request file.');
    });

    it('previews the closed requests past the period and the one a legal hold keeps, changing nothing', async () => {
      const res = await as('privacy_officer').post(`/admin/retention-policies/${await policyId('privacy_request_records')}/preview`).expect(200);
      expect(res.body).toMatchObject({ category: 'privacy_request_records', matched: 3, held: 1, wouldProcess: 2 });
      expect(res.body.heldExamples).toEqual([expect.objectContaining({ recordId: ids.held, reason: 'Litigation: keep the request file.' })]);
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM privacy_requests WHERE email IS NOT NULL AND id = ANY($1)`, [Object.values(ids)]);
      expect(n).toBe(5);
    });

    it('strips personal fields, message bodies and the proof file, keeping type, regimes, dates, outcome and the timeline skeleton', async () => {
      const before = await ds.query(`SELECT type, status, count(*)::int AS n FROM privacy_requests GROUP BY 1, 2 ORDER BY 1, 2`);
      const done = await runPolicy('privacy_request_records');
      expect(done).toMatchObject({ matched: 3, anonymised: 2, deleted: 0, skippedOnHold: 1, errors: 0 });
      const [old] = await ds.query(`SELECT * FROM privacy_requests WHERE id = $1`, [ids.old]);
      expect(old).toMatchObject({
        email: null,
        subject_email: null,
        details: null,
        proposed_changes: null,
        parent_evidence: { method: 'card_check' },
        proof_storage_key: null,
        code_hash: null,
        extension_reason: null,
        type: 'access',
        requester_type: 'authorized_agent',
        regimes: ['gdpr', 'ccpa'],
        status: 'completed',
        user_id: free,
      });
      expect(old.completed_at).toBeInstanceOf(Date);
      expect(old.extended_at).toBeInstanceOf(Date);
      expect(old.personal_data_stripped_at).toBeInstanceOf(Date);
      const [denied] = await ds.query(`SELECT denial_reason, denial_text FROM privacy_requests WHERE id = $1`, [ids.oldDenied]);
      expect(denied).toEqual({ denial_reason: 'unverifiable', denial_text: null });
      expect(await storage.exists('privacy-requests/proofs/old-proof.pdf')).toBe(false);
      const events = await ds.query(`SELECT kind, to_status, body, details FROM privacy_request_events WHERE request_id = $1 ORDER BY id`, [ids.old]);
      expect(events).toEqual([
        { kind: 'transition', to_status: 'received', body: null, details: { event: 'submit' } },
        { kind: 'message_from_requester', to_status: null, body: null, details: {} },
        { kind: 'note', to_status: null, body: null, details: {} },
        { kind: 'transition', to_status: 'completed', body: null, details: { event: 'complete' } },
      ]);
      // Untouched: the recent one, the open one, the held one.
      const kept = await ds.query(`SELECT id FROM privacy_requests WHERE email IS NOT NULL AND id = ANY($1) ORDER BY id`, [[ids.recent, ids.open, ids.held]]);
      expect(kept).toHaveLength(3);
      const [{ bodies }] = await ds.query(`SELECT count(body)::int AS bodies FROM privacy_request_events WHERE request_id = $1`, [ids.held]);
      expect(bodies).toBe(3);
      // The officer's counts by type and status are the same.
      expect(await ds.query(`SELECT type, status, count(*)::int AS n FROM privacy_requests GROUP BY 1, 2 ORDER BY 1, 2`)).toEqual(before);
      // Nothing personal anywhere in the stripped rows; a second run finds nothing left to do.
      const text = JSON.stringify(await ds.query(`SELECT r.*, (SELECT json_agg(e) FROM privacy_request_events e WHERE e.request_id = r.id) AS ev FROM privacy_requests r WHERE id = ANY($1)`, [[ids.old, ids.oldDenied]]));
      for (const s of ['Jane', 'Roe', 'example.com', 'Main St']) expect(text).not.toContain(s);
      expect(await runPolicy('privacy_request_records')).toMatchObject({ matched: 1, anonymised: 0, skippedOnHold: 1 });
      const [audit] = await ds.query(`SELECT details::jsonb AS d FROM audit_log WHERE action = 'privacy_request.records_stripped' ORDER BY sequence DESC LIMIT 1`);
      expect(audit.d).toMatchObject({ requests: 2 });
    });
  });

  describe('ledger anonymisation (7 years after the entry)', () => {
    let held: string;
    let free: string;

    async function entry(userId: string, daysAgo: number, amount: number): Promise<void> {
      await ds.query(
        `INSERT INTO credit_entries (user_id, kind, amount, idempotency_key, actor_type, actor_id, reason, created_at)
         VALUES ($1::uuid, 'adjustment', $2, $3, 'user', $1::text, 'test entry', now() - make_interval(days => $4))`,
        [userId, amount, randomUUID(), daysAgo],
      );
    }

    beforeAll(async () => {
      held = (await userWithToken(t.app, 'held.ledger@example.com')).id;
      free = (await userWithToken(t.app, 'free.ledger@example.com')).id;
      await entry(free, 2600, 50);
      await entry(free, 2556, -20);
      await entry(free, 30, 5);
      await entry(held, 2600, 70);
      await ds.query(`INSERT INTO stripe_customers (user_id, customer_id) VALUES ($1, 'cus_freeLedger'), ($2, 'cus_heldLedger')`, [free, held]);
      await ds.query(
        `INSERT INTO stripe_invoices (invoice_id, user_id, amount_paid, currency, credits, paid_at) VALUES
           ('in_oldFree', $1, 1200, 'eur', 100, now() - interval '2600 days'), ('in_newFree', $1, 1200, 'eur', 100, now() - interval '10 days'),
           ('in_oldHeld', $2, 900, 'eur', 80, now() - interval '2600 days')`,
        [free, held],
      );
      await ds.query(
        `INSERT INTO stripe_events (id, type, customer_id, user_id, stripe_created_at, received_at) VALUES
           ('evt_oldFree', 'invoice.paid', 'cus_freeLedger', $1, now() - interval '2600 days', now() - interval '2600 days'),
           ('evt_oldHeldNoUser', 'invoice.paid', 'cus_heldLedger', NULL, now() - interval '2600 days', now() - interval '2600 days'),
           ('evt_newFree', 'invoice.paid', 'cus_freeLedger', $1, now() - interval '5 days', now() - interval '5 days')`,
        [free],
      );
      await hold(held, 'Tax audit: keep the ledger linked.');
    });

    it('anonymises the user reference of old entries, invoices and Stripe events, keeping amounts, and skips held users', async () => {
      const preview = await as('privacy_officer').post(`/admin/retention-policies/${await policyId('ledger_anonymisation')}/preview`).expect(200);
      expect(preview.body).toMatchObject({ matched: 7, held: 3, wouldProcess: 4 });
      expect(preview.body.heldExamples.map((e: { reason: string }) => e.reason)).toContain('Tax audit: keep the ledger linked.');
      const sumBefore = await ds.query(`SELECT sum(amount)::int AS s FROM credit_entries`);
      expect(await runPolicy('ledger_anonymisation')).toMatchObject({ matched: 7, anonymised: 4, skippedOnHold: 3, errors: 0 });
      expect(await ds.query(`SELECT sum(amount)::int AS s FROM credit_entries`)).toEqual(sumBefore);
      const entries = await ds.query(
        `SELECT amount, user_id, actor_id FROM credit_entries WHERE reason = 'test entry' AND (user_id IS NULL OR user_id = ANY($1)) ORDER BY created_at, amount`,
        [[free, held]],
      );
      expect(entries).toEqual([
        { amount: 50, user_id: null, actor_id: null },
        { amount: 70, user_id: held, actor_id: held },
        { amount: -20, user_id: null, actor_id: null },
        { amount: 5, user_id: free, actor_id: free },
      ]);
      expect(await ds.query(`SELECT invoice_id, user_id, amount_paid::int AS paid FROM stripe_invoices ORDER BY invoice_id`)).toEqual([
        { invoice_id: 'in_newFree', user_id: free, paid: 1200 },
        { invoice_id: 'in_oldFree', user_id: null, paid: 1200 },
        { invoice_id: 'in_oldHeld', user_id: held, paid: 900 },
      ]);
      expect(await ds.query(`SELECT id, user_id, customer_id FROM stripe_events ORDER BY id`)).toEqual([
        { id: 'evt_newFree', user_id: free, customer_id: 'cus_freeLedger' },
        { id: 'evt_oldFree', user_id: null, customer_id: null },
        { id: 'evt_oldHeldNoUser', user_id: null, customer_id: 'cus_heldLedger' },
      ]);
      // The ledger still refuses any other change.
      await expect(ds.query(`UPDATE credit_entries SET amount = 1 WHERE user_id = $1`, [held])).rejects.toThrow(/append-only/);
    });
  });

  describe('access packages (purged 7 days after ready, by the policy)', () => {
    it('purges zips of packages ready longer than the policy keeps them, marks them purged, and keeps a held user’s', async () => {
      const free = (await userWithToken(t.app, 'free.packages@example.com')).id;
      const held = (await userWithToken(t.app, 'held.packages@example.com')).id;
      const make = async (userId: string, readyDaysAgo: number): Promise<string> => {
        const [row] = await ds.query(`INSERT INTO access_packages (user_id, format) VALUES ($1, 'access') RETURNING id`, [userId]);
        const key = `privacy-packages/${row.id}/1.zip`;
        const stored = await storage.put(key, Buffer.from('zip bytes'), { contentType: 'application/zip' });
        await ds.query(`UPDATE access_packages SET state = 'ready', storage_key = $2, sha256 = $3, size = $4, ready_at = now() - make_interval(days => $5) WHERE id = $1`, [
          row.id,
          key,
          stored.sha256,
          stored.size,
          readyDaysAgo,
        ]);
        return row.id;
      };
      const old = await make(free, 4);
      const young = await make(free, 1);
      const kept = await make(held, 4);
      await hold(held, 'Keep the package for the court.');
      // The privacy officer shortens the period to 3 days: the policy, not an environment variable, decides.
      await as('privacy_officer').put(`/admin/retention-policies/${await policyId('access_packages')}`).send({ keepDays: 3 }).expect(200);
      const preview = await as('privacy_officer').post(`/admin/retention-policies/${await policyId('access_packages')}/preview`).expect(200);
      expect(preview.body).toMatchObject({ matched: 2, held: 1, heldExamples: [expect.objectContaining({ recordId: kept, reason: 'Keep the package for the court.' })] });
      expect(await runPolicy('access_packages')).toMatchObject({ matched: 2, deleted: 1, skippedOnHold: 1 });
      const states = await ds.query(`SELECT id, state FROM access_packages WHERE id = ANY($1)`, [[old, young, kept]]);
      expect(Object.fromEntries(states.map((s: { id: string; state: string }) => [s.id, s.state]))).toEqual({ [old]: 'purged', [young]: 'ready', [kept]: 'ready' });
      expect(await storage.exists(`privacy-packages/${old}/1.zip`)).toBe(false);
      expect(await storage.exists(`privacy-packages/${young}/1.zip`)).toBe(true);
      expect(await storage.exists(`privacy-packages/${kept}/1.zip`)).toBe(true);
    });
  });

  describe('audit-log archive', () => {
    let archive: AuditArchiveService;
    let audit: AuditService;

    beforeAll(async () => {
      archive = t.app.get(AuditArchiveService);
      audit = t.app.get(AuditService);
      for (let i = 0; i < 12; i += 1) await audit.record({ action: 'test.archive_fill', actor: { type: 'system', id: 'test' }, details: { i, text: 'é "q" \n' } });
    });

    it('refuses to delete entries no segment covers, and still refuses every update', async () => {
      await expect(ds.query(`DELETE FROM audit_log WHERE sequence = 1`)).rejects.toThrow(/not archived/);
      await expect(ds.query(`UPDATE audit_log SET action = 'x.y' WHERE sequence = 1`)).rejects.toThrow(/append-only/);
      await expect(ds.query(`TRUNCATE audit_log`)).rejects.toThrow(/append-only/);
    });

    it('moves a range into a segment file with its hashes, removes the rows only then, and verifies across the archive', async () => {
      const [{ head }] = await ds.query(`SELECT last_sequence::int AS head FROM audit_chain_head`);
      const first = await archive.archiveNext(new Date(), 5);
      const second = await archive.archiveNext(new Date(), 4);
      expect(first).toMatchObject({ firstSequence: 1, lastSequence: 5, entryCount: 5 });
      expect(second).toMatchObject({ firstSequence: 6, lastSequence: 9, entryCount: 4 });
      const [{ live }] = await ds.query(`SELECT count(*)::int AS live FROM audit_log WHERE sequence <= 9`);
      expect(live).toBe(0);
      const segments = await ds.query(`SELECT first_sequence::int AS f, last_sequence::int AS l, entry_count, encode(file_sha256, 'hex') AS sha FROM audit_log_segments ORDER BY f`);
      expect(segments).toEqual([
        { f: 1, l: 5, entry_count: 5, sha: first!.fileSha256 },
        { f: 6, l: 9, entry_count: 4, sha: second!.fileSha256 },
      ]);
      const lines = (await readAll(storage, first!.storageKey)).toString('utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(5);
      expect(JSON.parse(lines[0]!)).toMatchObject({ entry: { sequence: 1 }, prevHash: '00'.repeat(32) });
      // Each archive is itself recorded, after the rows it moved.
      const [rec] = await ds.query(`SELECT details::jsonb AS d, sequence::int AS s FROM audit_log WHERE action = 'audit_log.archive' ORDER BY sequence LIMIT 1`);
      expect(rec.d).toMatchObject({ firstSequence: 1, lastSequence: 5, entries: 5 });
      expect(rec.s).toBeGreaterThan(head);
      const verdict = await as('auditor').get('/admin/audit-log/verify').expect(200);
      expect(verdict.body).toMatchObject({ valid: true, archive: { segments: 2, entriesInFiles: 9, filesPurged: 0 } });
      const [{ h }] = await ds.query(`SELECT last_sequence::int AS h FROM audit_chain_head`);
      expect(verdict.body.checked).toBe(h - 1); // the verify entry itself is appended after the check
      // The console's unfiltered total counts the live rows only.
      const list = await as('auditor').get('/admin/audit-log').query({ range: '[0,9]' }).expect(200);
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_log`);
      expect(list.headers['content-range']).toBe(`audit-log 0-9/${n}`);
    });

    it('refuses to change or remove a segment row, and a segment that does not start where the archive ends', async () => {
      await expect(ds.query(`DELETE FROM audit_log_segments`)).rejects.toThrow(/never changed or removed/);
      await expect(ds.query(`UPDATE audit_log_segments SET last_hash = first_prev_hash WHERE first_sequence = 1`)).rejects.toThrow(/never changed or removed/);
      await expect(
        ds.query(
          `INSERT INTO audit_log_segments (first_sequence, last_sequence, entry_count, first_prev_hash, last_hash, first_occurred_at, last_occurred_at, storage_key, file_sha256, file_bytes)
           SELECT 12, 12, 1, prev_hash, hash, occurred_at, occurred_at, 'x', hash, 1 FROM audit_log WHERE sequence = 12`,
        ),
      ).rejects.toThrow(/must start right after/);
      await expect(ds.query(`DELETE FROM audit_log WHERE sequence = 10`)).rejects.toThrow(/not archived/);
    });

    it('detects a tampered segment file, and verifies again once the original is back', async () => {
      const [seg] = await ds.query(`SELECT storage_key FROM audit_log_segments WHERE first_sequence = 6`);
      const original = await readAll(storage, seg.storage_key);
      // Entry 7 (the file's second line) rewritten: its date moved back a millennium.
      const lines = original.toString('utf8').split('\n');
      lines[1] = lines[1]!.replace('"occurredAt":"2', '"occurredAt":"1');
      const tampered = Buffer.from(lines.join('\n'), 'utf8');
      expect(tampered.equals(original)).toBe(false);
      await storage.put(seg.storage_key, tampered, { contentType: 'application/jsonl' });
      const broken = await audit.verifyChain();
      expect(broken).toMatchObject({ valid: false, reason: 'segment_mismatch', firstBrokenSequence: 7, checked: 6 });
      await storage.delete(seg.storage_key);
      expect(await audit.verifyChain()).toMatchObject({ valid: false, reason: 'segment_mismatch', firstBrokenSequence: 6 });
      await storage.put(seg.storage_key, original, { contentType: 'application/jsonl' });
      expect(await audit.verifyChain()).toMatchObject({ valid: true });
    });

    it('purges segment files past the policy period, ignoring legal holds, and the chain still verifies from the kept boundary hashes', async () => {
      const id = await policyId('audit_log_archive');
      // Active user holds (this one and earlier ones) do not keep segments: the audit log is not personal-data deletion.
      const heldUser = (await userWithToken(t.app, 'held.audit@example.com')).id;
      await hold(heldUser, 'Keep everything about this account.');
      const none = await as('privacy_officer').post(`/admin/retention-policies/${id}/preview`).expect(200);
      expect(none.body).toMatchObject({ matched: 0, held: 0 });
      await as('privacy_officer').put(`/admin/retention-policies/${id}`).send({ keepDays: 0 }).expect(200);
      const preview = await as('privacy_officer').post(`/admin/retention-policies/${id}/preview`).expect(200);
      expect(preview.body).toMatchObject({ matched: 2, held: 0 });
      expect(await runPolicy('audit_log_archive')).toMatchObject({ matched: 2, deleted: 2, errors: 0 });
      const segments = await ds.query(`SELECT storage_key, file_deleted_at FROM audit_log_segments ORDER BY first_sequence`);
      expect(segments).toHaveLength(2);
      for (const s of segments) {
        expect(s.file_deleted_at).toBeInstanceOf(Date);
        expect(await storage.exists(s.storage_key)).toBe(false);
      }
      expect(await audit.verifyChain()).toMatchObject({ valid: true, archive: { segments: 2, entriesInFiles: 0, filesPurged: 2 } });
      // Archiving continues after purged segments, linked to their recorded last hash.
      expect(await archive.archiveNext(new Date(), 2)).toMatchObject({ firstSequence: 10, lastSequence: 11 });
      expect(await audit.verifyChain()).toMatchObject({ valid: true, archive: { segments: 3, entriesInFiles: 2, filesPurged: 2 } });
    });
  });
});
