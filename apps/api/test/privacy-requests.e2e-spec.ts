import request from 'supertest';
import { DataSource } from 'typeorm';
import { ConsentService } from '../src/consent/consent.service';
import { PrivacyFulfilmentService } from '../src/privacy-requests/privacy-fulfilment.service';
import { PrivacySweepService } from '../src/privacy-requests/privacy-sweep.service';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { SmtpPeer } from './support/smtp-peer';
import { ErasureService } from '../src/retention/erasure.service';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

// Apps boot, jobs and the outbox poll: more than the 5 s default on a busy machine.
jest.setTimeout(90_000);

const FAST = { OUTBOX_POLL_MS: '20', OUTBOX_RETRY_BASE_MS: '20', OUTBOX_RETRY_MAX_MS: '100' };

interface View {
  id: string;
  status: string;
  dueAt: string;
  regimes: string[];
  extended: boolean;
  clockStopped: string | null;
  duplicateOf: string | null;
  timeline: Array<{ kind: string; status: string | null; message: string | null; by: string }>;
}

describe('privacy requests over HTTP', () => {
  let peer: SmtpPeer;
  let t: TestApp;
  let ds: DataSource;
  let officer: string;
  let officerId: string;

  beforeAll(async () => {
    peer = await SmtpPeer.start();
    t = await startTestApp({ env: { SMTP_URL: peer.url, ...FAST } });
    ds = t.app.get(DataSource);
    officerId = await ensureStaff(t.app, 'privacy_officer', 'dpo@soar2.test');
    officer = await issueStaffToken(t.app, officerId);
  });

  afterAll(async () => {
    if (process.env.DUMP_LOGS) console.log(JSON.stringify(t.logs.filter((l) => (l.level as number) >= 40), null, 1).slice(0, 20000));
    await t?.close();
    await peer?.close();
  });

  const api = () => request(t.server);

  /** Waits for a mail to this address whose subject matches (eventual, not timed: the deadline only stops a hung test). */
  async function mailTo(address: string, subject: RegExp, index = 0): Promise<string> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = peer.messagesTo(address).filter((m) => subject.test(m.parsed.subject ?? ''));
      if (found[index]) return found[index]!.parsed.text ?? '';
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no mail #${index} "${subject}" to ${address}`);
  }

  async function codeFor(address: string, index = 0, subject = /privacy request code|authorize a privacy request/): Promise<string> {
    const text = await mailTo(address, subject, index);
    const code = /^\s{4}(\d{6})$/m.exec(text)?.[1];
    if (!code) throw new Error('no code in the mail');
    return code;
  }

  async function adminGet(id: string): Promise<Record<string, unknown> & { status: string; timeline: Array<Record<string, unknown>> }> {
    const res = await api().get(`/admin/privacy-requests/${id}`).set('Authorization', `Bearer ${officer}`).expect(200);
    return res.body;
  }

  async function waitForStatus(id: string, statuses: string[]): Promise<Record<string, unknown> & { status: string }> {
    const deadline = Date.now() + 30_000;
    let last: { status: string } | undefined;
    while (Date.now() < deadline) {
      const rows: Array<{ status: string; fulfilment: Record<string, unknown> }> = await ds.query('SELECT status, fulfilment FROM privacy_requests WHERE id = $1', [id]);
      last = rows[0];
      if (last && statuses.includes(last.status)) return rows[0] as Record<string, unknown> & { status: string };
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`request ${id} never reached ${statuses.join('/')}; last ${JSON.stringify(last)}`);
  }

  const act = (id: string, verb: string, body: object = {}) => api().post(`/admin/privacy-requests/${id}/${verb}`).set('Authorization', `Bearer ${officer}`).send(body);

  it('anonymous intake: the same answer whether or not the address has an account, then verification by emailed code', async () => {
    await userWithToken(t.app, 'known@example.test');
    const known = await api().post('/v1/privacy-requests').send({ type: 'access', email: 'known@example.test', region: 'FR' }).expect(202);
    const unknown = await api().post('/v1/privacy-requests').send({ type: 'access', email: 'nobody@example.test', region: 'FR' }).expect(202);
    expect(Object.keys(known.body).sort()).toEqual(Object.keys(unknown.body).sort());
    expect(known.body.status).toBe('identity_pending');
    expect(unknown.body.status).toBe('identity_pending');
    expect(known.body.accessToken).toMatch(/^prq_/);

    const ack = await mailTo('known@example.test', /We received your privacy request/);
    expect(ack).toContain(known.body.dueAt.slice(0, 10));
    await mailTo('nobody@example.test', /We received your privacy request/);

    // Wrong code: counted, refused.
    const wrong = await api().post(`/v1/privacy-requests/${known.body.id}/verify`).send({ code: '000000' === (await codeFor('known@example.test')) ? '111111' : '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.code).toBe('INVALID_PRIVACY_CODE');

    const verified = await api().post(`/v1/privacy-requests/${known.body.id}/verify`).send({ code: await codeFor('known@example.test') }).expect(200);
    expect(verified.body.status).toBe('verified');
    expect(verified.body.regimes).toEqual(['gdpr']);
    // A code works once.
    expect((await api().post(`/v1/privacy-requests/${known.body.id}/verify`).send({ code: await codeFor('known@example.test') })).body.code).toBe('NOTHING_TO_VERIFY');

    const other = await api().post(`/v1/privacy-requests/${unknown.body.id}/verify`).send({ code: await codeFor('nobody@example.test') }).expect(200);
    expect(Object.keys(other.body).sort()).toEqual(Object.keys(verified.body).sort());
    expect(other.body.status).toBe('verified');

    // The status page opens with the access token only.
    const view = await api().get(`/v1/privacy-requests/${known.body.id}`).set('X-Privacy-Request-Token', known.body.accessToken).expect(200);
    expect((view.body as View).timeline.map((e) => e.status)).toEqual(['received', 'identity_pending', 'verified']);
    await api().get(`/v1/privacy-requests/${known.body.id}`).expect(404);
    await api().get(`/v1/privacy-requests/${known.body.id}`).set('X-Privacy-Request-Token', unknown.body.accessToken).expect(404);

    // No account: the officer cannot approve, and denies with no_match (the requester hears why and where to complain).
    const noAccount = await act(unknown.body.id, 'approve').expect(409);
    expect(noAccount.body.code).toBe('ACCOUNT_NOT_FOUND_FOR_REQUEST');
    const denied = await act(unknown.body.id, 'deny', { reasonCode: 'no_match', text: 'We hold no data about this address.' }).expect(200);
    expect(denied.body.status).toBe('denied');
    const denial = await mailTo('nobody@example.test', /^Your privacy request$/);
    expect(denial).toContain('we hold no account or personal data matching');
    expect(denial).toContain('supervisory authority');
  });

  it('another user’s request answers 404, not 403', async () => {
    const alice = await userWithToken(t.app, 'alice@example.test');
    const bob = await userWithToken(t.app, 'bob@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${alice.token}`).send({ type: 'objection' }).expect(202);
    expect(made.body.status).toBe('verified');
    await api().get(`/v1/privacy-requests/${made.body.id}`).set('Authorization', `Bearer ${alice.token}`).expect(200);
    const res = await api().get(`/v1/privacy-requests/${made.body.id}`).set('Authorization', `Bearer ${bob.token}`).expect(404);
    expect(res.body.code).toBe('PRIVACY_REQUEST_NOT_FOUND');
    await api().delete(`/v1/privacy-requests/${made.body.id}`).set('Authorization', `Bearer ${bob.token}`).expect(404);
    await api().post(`/v1/privacy-requests/${made.body.id}/messages`).set('Authorization', `Bearer ${bob.token}`).send({ body: 'hi' }).expect(404);
    await api().get('/v1/privacy-requests/00000000-0000-0000-0000-000000000000').set('Authorization', `Bearer ${alice.token}`).expect(404);
    await api().get(`/v1/privacy-requests/${made.body.id}`).set('Authorization', 'Bearer ut_not-a-token').expect(401);
  });

  it('duplicates are linked instead of duplicated (signed in at once, anonymous after verification)', async () => {
    const carol = await userWithToken(t.app, 'carol@example.test');
    const first = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${carol.token}`).send({ type: 'opt_out' }).expect(202);
    const again = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${carol.token}`).send({ type: 'opt_out' }).expect(202);
    expect(again.body).toMatchObject({ id: first.body.id, duplicate: true });
    const anon = await api().post('/v1/privacy-requests').send({ type: 'opt_out', email: 'carol@example.test' }).expect(202);
    const linked = await api().post(`/v1/privacy-requests/${anon.body.id}/verify`).send({ code: await codeFor('carol@example.test') }).expect(200);
    expect(linked.body).toMatchObject({ status: 'linked', duplicateOf: first.body.id });
    const counts: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM privacy_requests WHERE user_id = $1 AND status <> 'linked'`, [carol.id]);
    expect(counts[0]!.n).toBe(1);
    expect((await adminGet(first.body.id)).timeline.filter((e) => e.kind === 'duplicate_linked')).toHaveLength(2);
  });

  it('restriction: approved, the job restricts the account, lifting it notifies the user first', async () => {
    const dan = await userWithToken(t.app, 'dan@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${dan.token}`).send({ type: 'restriction', details: 'Accuracy contested.' }).expect(202);
    await act(made.body.id, 'assign').expect(200);
    expect((await adminGet(made.body.id)).status).toBe('in_review');
    await act(made.body.id, 'approve').expect(200);
    await waitForStatus(made.body.id, ['completed', 'failed']);
    const [user] = await ds.query('SELECT status FROM users WHERE id = $1', [dan.id]);
    expect(user.status).toBe('restricted');
    await mailTo('dan@example.test', /is complete/);

    const lifted = await act(made.body.id, 'lift-restriction', { reason: 'Accuracy verified with the user.' }).expect(200);
    expect(lifted.body.timeline.at(-1).body).toContain('restriction is lifted');
    const [after] = await ds.query('SELECT status FROM users WHERE id = $1', [dan.id]);
    expect(after.status).toBe('active');
    await mailTo('dan@example.test', /restriction on your Soar2 data has been lifted/);
    const audit: Array<{ action: string }> = await ds.query(`SELECT action FROM audit_log WHERE subject_id = $1 ORDER BY sequence`, [made.body.id]);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['privacy_request.submit', 'privacy_request.assign', 'privacy_request.approve', 'privacy_request.execute', 'privacy_request.complete', 'privacy_request.restriction_lifted']));
  });

  it('correction: the requester proposes, the officer reviews and applies, before/after in the audit log', async () => {
    const erin = await userWithToken(t.app, 'erin@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${erin.token}`).send({ type: 'correction', proposedChanges: { displayName: 'Erin Q.' } }).expect(202);
    await act(made.body.id, 'approve', { changes: { displayName: 'Erin Quinn' } }).expect(200);
    await waitForStatus(made.body.id, ['completed', 'failed']);
    const [user] = await ds.query('SELECT display_name FROM users WHERE id = $1', [erin.id]);
    expect(user.display_name).toBe('Erin Quinn');
    const [entry] = await ds.query(`SELECT details FROM audit_log WHERE action = 'user.correct' AND subject_id = $1`, [erin.id]);
    expect(entry.details).toMatchObject({ before: { displayName: 'erin' }, after: { displayName: 'Erin Quinn' }, requestId: made.body.id });
    const bad = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${erin.token}`).send({ type: 'correction' });
    expect(bad.status).toBe(422);
    expect(bad.body.code).toBe('CORRECTION_NOT_PROPOSED');
  });

  it('opt-out and consent withdrawal are written to the consent ledger, effective at once', async () => {
    const fay = await userWithToken(t.app, 'fay@example.test');
    const consent = t.app.get(ConsentService);
    await consent.record({ userId: fay.id, purpose: 'marketing_emails', granted: true, source: 'user' });
    expect(await consent.allows(fay.id, 'marketing_emails')).toBe(true);
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${fay.token}`).send({ type: 'consent_withdrawal', region: 'US-CA' }).expect(202);
    await act(made.body.id, 'approve').expect(200);
    await waitForStatus(made.body.id, ['completed', 'failed']);
    expect(await mailTo('fay@example.test', /is complete/)).toContain('Marketing messages stop');
    expect(await consent.allows(fay.id, 'marketing_emails')).toBe(false);
    const rows: Array<{ purpose: string; granted: boolean; source: string; reference: string }> = await ds.query(
      `SELECT purpose, granted, source, reference FROM consent_records WHERE user_id = $1 AND source = 'privacy_request'`,
      [fay.id],
    );
    expect(rows).toEqual(expect.arrayContaining([{ purpose: 'marketing_emails', granted: false, source: 'privacy_request', reference: `privacy_request:${made.body.id}` }]));

    const gil = await userWithToken(t.app, 'gil@example.test');
    const optOut = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${gil.token}`).send({ type: 'opt_out', region: 'US-CA' }).expect(202);
    await act(optOut.body.id, 'approve').expect(200);
    await waitForStatus(optOut.body.id, ['completed', 'failed']);
    expect(await consent.allows(gil.id, 'sale_sharing')).toBe(false);
  });

  it('access: approval builds the package; the request completes when it exists and the link is emailed', async () => {
    const gus = await userWithToken(t.app, 'gus@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${gus.token}`).send({ type: 'access' }).expect(202);
    await act(made.body.id, 'approve').expect(200);
    const done = await waitForStatus(made.body.id, ['failed', 'completed']);
    expect(done.status).toBe('completed');
    const mail = await mailTo('gus@example.test', /is complete/);
    const link = /\/v1\/downloads\/([A-Za-z0-9_-]+)/.exec(mail)?.[0];
    expect(link).toBeDefined();
    const zip = await api().get(link!).buffer(true).parse((res, cb) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => cb(null, Buffer.concat(chunks)));
    }).expect(200);
    expect((zip.body as Buffer).subarray(0, 2).toString()).toBe('PK');
    const view = await api().get(`/v1/privacy-requests/${made.body.id}`).set('Authorization', `Bearer ${gus.token}`).expect(200);
    expect(view.body.downloadLinkExpiresAt).toEqual(expect.any(String));
    expect(JSON.stringify(view.body)).not.toContain(link!.split('/').pop()!);
    const detail = await adminGet(made.body.id);
    expect(detail.fulfilment).toMatchObject({ step: 'delivered', packageId: expect.any(String) });
  });

  it('a fulfilment interrupted after it started (worker crash) is resumed by the sweep', async () => {
    const ida = await userWithToken(t.app, 'ida@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${ida.token}`).send({ type: 'portability' }).expect(202);
    await act(made.body.id, 'assign').expect(200);
    // The state a crash right after the execute transition leaves: executing, no package, no job.
    await ds.query(`UPDATE privacy_requests SET status = 'executing', status_changed_at = now() - interval '1 hour' WHERE id = $1`, [made.body.id]);
    expect((await t.app.get(PrivacySweepService).sweep()).resumed).toBeGreaterThanOrEqual(1);
    expect((await waitForStatus(made.body.id, ['failed', 'completed'])).status).toBe('completed');
    const packages: Array<{ n: number }> = await ds.query(`SELECT count(*)::int AS n FROM access_packages WHERE request_id = $1`, [made.body.id]);
    // Running it again changes nothing: one package, still completed.
    await t.app.get(PrivacyFulfilmentService).run({ requestId: made.body.id, staffId: officerId, staffRole: 'privacy_officer' });
    expect((await waitForStatus(made.body.id, ['completed'])).status).toBe('completed');
    expect(packages[0]!.n).toBe(1);
    await mailTo('ida@example.test', /is complete/);
  });

  it('deletion: a signed-in requester re-confirms by code; the account is scheduled for erasure after the grace period, and the request completes with the certificate', async () => {
    const hal = await userWithToken(t.app, 'hal@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${hal.token}`).send({ type: 'deletion' }).expect(202);
    expect(made.body.status).toBe('identity_pending');
    await api().post(`/v1/privacy-requests/${made.body.id}/verify`).send({ code: await codeFor('hal@example.test') }).expect(200);
    await act(made.body.id, 'approve').expect(200);
    await waitForStatus(made.body.id, ['awaiting_erasure', 'failed']);
    const [erasure] = await ds.query(`SELECT id, status, run_after FROM erasures WHERE request_id = $1`, [made.body.id]);
    expect(erasure.status).toBe('scheduled');
    expect((new Date(erasure.run_after).getTime() - Date.now()) / 86_400_000).toBeGreaterThan(29.9);
    expect((await ds.query('SELECT status FROM users WHERE id = $1', [hal.id]))[0].status).toBe('pending_deletion');
    // The grace period ends; the engine erases and certifies, which completes the request.
    await ds.query(`UPDATE erasures SET run_after = now() - interval '1 minute' WHERE id = $1`, [erasure.id]);
    const done = await t.app.get(ErasureService).execute(erasure.id);
    expect(done.status).toBe('completed');
    const finished = await waitForStatus(made.body.id, ['completed']);
    expect(finished.status).toBe('completed');
    const [profile] = await ds.query('SELECT email, status FROM users WHERE id = $1', [hal.id]);
    expect(profile).toEqual({ email: `erased+${hal.id}@erased.invalid`, status: 'deleted' });
    const [cert] = await ds.query('SELECT id FROM deletion_certificates WHERE request_id = $1', [made.body.id]);
    expect(cert.id).toBe(done.certificateId);
    // Withdrawal is refused once the erasure ran.
    const late = await api().delete(`/v1/privacy-requests/${made.body.id}`).set('X-Privacy-Request-Token', made.body.accessToken ?? '').expect((r) => expect([401, 404, 409]).toContain(r.status));
    expect(late.status).not.toBe(200);
  });

  it('deletion: the requester can withdraw during the grace period, which cancels the scheduled erasure', async () => {
    const ivy = await userWithToken(t.app, 'ivy@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${ivy.token}`).send({ type: 'deletion' }).expect(202);
    await api().post(`/v1/privacy-requests/${made.body.id}/verify`).send({ code: await codeFor('ivy@example.test') }).expect(200);
    await act(made.body.id, 'approve').expect(200);
    await waitForStatus(made.body.id, ['awaiting_erasure', 'failed']);
    await api().delete(`/v1/privacy-requests/${made.body.id}`).set('Authorization', `Bearer ${ivy.token}`).expect(200);
    const [erasure] = await ds.query(`SELECT status FROM erasures WHERE request_id = $1`, [made.body.id]);
    expect(erasure.status).toBe('canceled');
    expect((await ds.query('SELECT status FROM users WHERE id = $1', [ivy.id]))[0].status).toBe('active');
    expect((await api().get(`/v1/privacy-requests/${made.body.id}`).set('Authorization', `Bearer ${ivy.token}`).expect(200)).body.status).toBe('withdrawn');
  });

  it('parent (COPPA): the parent is verified, evidence recorded, the child suspended at once and signed out', async () => {
    const child = await userWithToken(t.app, 'kid@example.test');
    const made = await api()
      .post('/v1/privacy-requests')
      .send({ type: 'deletion', email: 'parent@example.test', requesterType: 'parent', subjectEmail: 'kid@example.test', parentEvidence: { method: 'signed_consent_form', reference: 'form-77' } })
      .expect(202);
    await api().post(`/v1/privacy-requests/${made.body.id}/verify`).send({ code: await codeFor('parent@example.test') }).expect(200);
    const [user] = await ds.query('SELECT status FROM users WHERE id = $1', [child.id]);
    expect(user.status).toBe('suspended');
    await api().get('/v1/me').set('Authorization', `Bearer ${child.token}`).expect(401);
    const detail = await adminGet(made.body.id);
    expect(detail.regimes).toContain('coppa');
    expect(detail.parentEvidence).toMatchObject({ method: 'signed_consent_form', reference: 'form-77' });
    expect(detail.userId).toBe(child.id);
    // A parent asks for deletion or access, nothing else.
    expect((await api().post('/v1/privacy-requests').send({ type: 'opt_out', email: 'p2@example.test', requesterType: 'parent', subjectEmail: 'kid@example.test', parentEvidence: { method: 'video_call' } })).status).toBe(422);
  });

  it('authorized agent: proof upload, then the consumer confirms by their own email', async () => {
    await userWithToken(t.app, 'consumer@example.test');
    const made = await api().post('/v1/privacy-requests').send({ type: 'access', email: 'agent@drp.example', requesterType: 'authorized_agent', subjectEmail: 'consumer@example.test', regulation: 'ccpa' }).expect(202);
    const agentCode = await codeFor('agent@drp.example');
    const noProof = await api().post(`/v1/privacy-requests/${made.body.id}/verify`).send({ code: agentCode }).expect(409);
    expect(noProof.body.code).toBe('PROOF_REQUIRED');
    await api().post(`/v1/privacy-requests/${made.body.id}/proof`).set('X-Privacy-Request-Token', made.body.accessToken).set('Content-Type', 'text/html').send('<p>nope</p>').expect(415);
    await api()
      .post(`/v1/privacy-requests/${made.body.id}/proof`)
      .set('X-Privacy-Request-Token', made.body.accessToken)
      .set('Content-Type', 'application/pdf')
      .send(Buffer.from('%PDF-1.4\n% signed authorization\n'))
      .expect(200);
    const step = await api().post(`/v1/privacy-requests/${made.body.id}/verify`).send({ code: agentCode }).expect(200);
    expect(step.body.status).toBe('identity_pending');
    const confirmed = await api().post(`/v1/privacy-requests/${made.body.id}/verify`).send({ code: await codeFor('consumer@example.test') }).expect(200);
    expect(confirmed.body.status).toBe('verified');
    const detail = await adminGet(made.body.id);
    expect(detail).toMatchObject({ hasProof: true, requesterType: 'authorized_agent' });
    const proof = await api().get(`/admin/privacy-requests/${made.body.id}/proof`).set('Authorization', `Bearer ${officer}`).expect(200);
    expect(Buffer.from(proof.body as Buffer).toString()).toContain('signed authorization');
  });

  it('illegal transitions are refused with a typed 409, and a denial needs a known reason code', async () => {
    const made = await api().post('/v1/privacy-requests').send({ type: 'portability', email: 'ivy@example.test' }).expect(202);
    const early = await act(made.body.id, 'approve').expect(409);
    expect(early.body).toMatchObject({ code: 'ILLEGAL_TRANSITION' });
    await act(made.body.id, 'resume').expect(409);
    await act(made.body.id, 'fulfil').expect(409);
    expect((await act(made.body.id, 'deny', { reasonCode: 'because', text: 'No.' })).status).toBe(422);
    // Withdrawal by the requester works before execution.
    const gone = await api().delete(`/v1/privacy-requests/${made.body.id}`).set('X-Privacy-Request-Token', made.body.accessToken).expect(200);
    expect(gone.body.status).toBe('withdrawn');
    await api().delete(`/v1/privacy-requests/${made.body.id}`).set('X-Privacy-Request-Token', made.body.accessToken).expect(409);
  });

  it('extend once with notice, hold stops the clock, and messages go both ways', async () => {
    const jo = await userWithToken(t.app, 'jo@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${jo.token}`).send({ type: 'objection' }).expect(202);
    await act(made.body.id, 'assign').expect(200);
    const ext = await act(made.body.id, 'extend', { reason: 'Many systems to check.' }).expect(200);
    expect(new Date(ext.body.dueAt).getTime()).toBeGreaterThan(new Date(made.body.dueAt).getTime());
    expect(await mailTo('jo@example.test', /need more time/)).toContain('Many systems to check.');
    const twice = await act(made.body.id, 'extend', { reason: 'Again.' }).expect(409);
    expect(twice.body.message).toMatch(/once/);

    await act(made.body.id, 'hold', { reason: 'Waiting for your reply about which data you mean.' }).expect(200);
    const held = await api().get(`/v1/privacy-requests/${made.body.id}`).set('Authorization', `Bearer ${jo.token}`).expect(200);
    expect(held.body).toMatchObject({ status: 'on_hold', clockStopped: 'Waiting for your reply about which data you mean.' });

    await act(made.body.id, 'message', { body: 'Which account features do you object to?' }).expect(200);
    expect(await mailTo('jo@example.test', /A message about your privacy request/)).toContain('Which account features');
    await api().post(`/v1/privacy-requests/${made.body.id}/messages`).set('Authorization', `Bearer ${jo.token}`).send({ body: 'Product analytics.' }).expect(201);
    const detail = await adminGet(made.body.id);
    expect(detail.timeline.map((e) => [e.kind, e.body])).toEqual(expect.arrayContaining([['message_to_requester', 'Which account features do you object to?'], ['message_from_requester', 'Product analytics.']]));
    const resumed = await act(made.body.id, 'resume').expect(200);
    expect(resumed.body.status).toBe('in_review');
    expect(resumed.body.clockStops[0].to).not.toBeNull();
  });

  it('the queue: due dates, days left, overdue and extension flags, filters', async () => {
    const kim = await userWithToken(t.app, 'kim@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${kim.token}`).send({ type: 'access', region: 'US-CA' }).expect(202);
    // Received 40 days ago under GDPR: overdue; one received 25 days ago is within a week of its first deadline.
    await ds.query(`UPDATE privacy_requests SET received_at = now() - interval '40 days', due_at = now() - interval '9 days' WHERE id = $1`, [made.body.id]);
    const res = await api()
      .get('/admin/privacy-requests')
      .query({ filter: JSON.stringify({ overdue: true, type: 'access' }), sort: JSON.stringify(['dueAt', 'ASC']), range: '[0,9]' })
      .set('Authorization', `Bearer ${officer}`)
      .expect(200);
    expect(res.headers['content-range']).toMatch(/^privacy-requests 0-\d+\/\d+$/);
    const row = (res.body as Array<Record<string, unknown>>).find((r) => r.id === made.body.id);
    expect(row).toMatchObject({ overdue: true, type: 'access' });
    expect(row!.daysLeft as number).toBeLessThan(0);

    const soon = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${(await userWithToken(t.app, 'lee@example.test')).token}`).send({ type: 'portability' }).expect(202);
    await ds.query(`UPDATE privacy_requests SET received_at = now() - interval '26 days' WHERE id = $1`, [soon.body.id]);
    const list = await api().get('/admin/privacy-requests').query({ filter: JSON.stringify({ id: [soon.body.id] }) }).set('Authorization', `Bearer ${officer}`).expect(200);
    expect(list.body[0]).toMatchObject({ extensionApproaching: true, overdue: false });

    const byRegime = await api().get('/admin/privacy-requests').query({ filter: JSON.stringify({ regime: 'ccpa', status: ['verified'] }) }).set('Authorization', `Bearer ${officer}`).expect(200);
    expect((byRegime.body as Array<{ regimes: string[] }>).every((r) => r.regimes.includes('ccpa'))).toBe(true);
    expect((await api().get('/admin/privacy-requests').query({ filter: JSON.stringify({ status: 'nonsense' }) }).set('Authorization', `Bearer ${officer}`)).status).toBe(422);
    const unassigned = await api().get('/admin/privacy-requests').query({ filter: JSON.stringify({ assigneeId: 'none' }) }).set('Authorization', `Bearer ${officer}`).expect(200);
    expect((unassigned.body as Array<{ assigneeId: string | null }>).every((r) => r.assigneeId === null)).toBe(true);
    // Other roles: no access.
    const support = await issueStaffToken(t.app, await ensureStaff(t.app, 'support_agent', 'support@soar2.test'));
    await api().get('/admin/privacy-requests').set('Authorization', `Bearer ${support}`).expect(403);
  });

  it('unverified requests get a reminder at 24 h and expire after 7 days', async () => {
    const made = await api().post('/v1/privacy-requests').send({ type: 'access', email: 'slow@example.test' }).expect(202);
    await mailTo('slow@example.test', /privacy request code/);
    await ds.query(`UPDATE privacy_requests SET received_at = now() - interval '25 hours' WHERE id = $1`, [made.body.id]);
    const sweep = t.app.get(PrivacySweepService);
    expect((await sweep.sweep()).reminded).toBeGreaterThanOrEqual(1);
    const fresh = await codeFor('slow@example.test', 1);
    expect(fresh).toMatch(/^\d{6}$/);
    await ds.query(`UPDATE privacy_requests SET received_at = now() - interval '8 days' WHERE id = $1`, [made.body.id]);
    expect((await sweep.sweep()).expired).toBeGreaterThanOrEqual(1);
    const view = await api().get(`/v1/privacy-requests/${made.body.id}`).set('X-Privacy-Request-Token', made.body.accessToken).expect(200);
    expect(view.body.status).toBe('expired');
    await mailTo('slow@example.test', /was closed/);
    expect((await api().post(`/v1/privacy-requests/${made.body.id}/verify`).send({ code: fresh })).body.code).toBe('NOTHING_TO_VERIFY');
  });

  it('the watchdog emails stuck requests to privacy officers', async () => {
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${(await userWithToken(t.app, 'stuck@example.test')).token}`).send({ type: 'restriction' }).expect(202);
    await ds.query(`UPDATE privacy_requests SET status_changed_at = now() - interval '3 days' WHERE id = $1`, [made.body.id]);
    const stuck = await t.app.get(PrivacySweepService).watchdog();
    expect(stuck.map((s) => s.id)).toContain(made.body.id);
    const mail = await mailTo('dpo@soar2.test', /privacy requests? need attention/);
    expect(mail).toContain(made.body.id);
    expect(mail).not.toContain('stuck@example.test');
  });

  it('registers personal-data sources that export and erase the subject’s requests, keeping the skeleton', async () => {
    const mo = await userWithToken(t.app, 'mo@example.test');
    const made = await api().post('/v1/privacy-requests').set('Authorization', `Bearer ${mo.token}`).send({ type: 'objection', details: 'My phone is 555-0100.' }).expect(202);
    await api().post(`/v1/privacy-requests/${made.body.id}/messages`).set('Authorization', `Bearer ${mo.token}`).send({ body: 'Also my address.' }).expect(201);
    const registry = t.app.get(PersonalDataRegistry);
    expect(registry.list().map((s) => s.category)).toEqual(expect.arrayContaining(['privacy.requests', 'identity.profile', 'identity.sessions', 'identity.access_log', 'notifications.emails']));
    const source = registry.get('privacy.requests')!;
    const records = await collectRecords(source, { userId: mo.id });
    expect(records).toHaveLength(1);
    expect(records[0]!.data).toMatchObject({ id: made.body.id, details: 'My phone is 555-0100.' });
    expect((await collectRecords(registry.get('identity.profile')!, { userId: mo.id }))[0]!.data.email).toBe('mo@example.test');
    expect((await collectRecords(registry.get('notifications.emails')!, { userId: mo.id })).length).toBeGreaterThanOrEqual(1);
    expect((await collectRecords(registry.get('identity.sessions')!, { userId: mo.id })).length).toBe(1);

    const outcome = await source.erase({ userId: mo.id });
    expect(outcome).toMatchObject({ anonymised: 1, deleted: 0 });
    expect(outcome.retained[0]!.basis).toContain('§7101');
    expect(await source.erase({ userId: mo.id })).toMatchObject({ anonymised: 1 });
    const [row] = await ds.query('SELECT email, details, type, status FROM privacy_requests WHERE id = $1', [made.body.id]);
    expect(row).toEqual({ email: null, details: null, type: 'objection', status: 'verified' });
    const bodies: Array<{ body: string | null }> = await ds.query(`SELECT body FROM privacy_request_events WHERE request_id = $1 AND kind = 'message_from_requester'`, [made.body.id]);
    expect(bodies).toEqual([{ body: null }]);
    // The timeline is append-only otherwise.
    await expect(ds.query(`UPDATE privacy_request_events SET kind = 'note' WHERE request_id = $1`, [made.body.id])).rejects.toThrow(/append-only/);
    await expect(ds.query(`DELETE FROM privacy_request_events WHERE request_id = $1`, [made.body.id])).rejects.toThrow(/kept/);
  });
});
