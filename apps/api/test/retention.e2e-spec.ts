// Retention policies, sweeps that respect legal holds, and account erasure with signed certificates.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { verifyCertificate } from '@soar2/privacy';
import { DataSource } from 'typeorm';
import { DataKeysService } from '../src/data-keys/data-keys.service';
import { PersonalDataRegistry } from '../src/personal-data/personal-data.registry';
import { ErasureService } from '../src/retention/erasure.service';
import { TestApp, startTestApp } from './support/test-app';
import { retentionPolicyId, staffRequests, until } from './support/retention';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

const run = promisify(execFile);
const ROOT = path.resolve(__dirname, '../../..');


describe('retention and erasure', () => {
  let t: TestApp;
  let ds: DataSource;
  const tokens: Record<string, string> = {};
  /** Calls per user to the probe eraser, and whether it should fail next time. */
  const probe = { calls: new Map<string, number>(), failNext: false };

  beforeAll(async () => {
    t = await startTestApp({ env: { DELETION_GRACE_DAYS: '30' } });
    ds = t.app.get(DataSource);
    for (const role of ['admin', 'support_agent', 'privacy_officer', 'auditor'] as const) tokens[role] = await issueStaffToken(t.app, await ensureStaff(t.app, role));
    await ds.query('CREATE TABLE erasure_probe (user_id uuid NOT NULL, note text NOT NULL)');
    // A module's personal data: its eraser deletes the user's rows (idempotent) and reports it.
    t.app.get(PersonalDataRegistry).register({
      category: 'test.probe',
      description: 'Probe rows',
      purposes: ['testing'],
      sources: ['user'],
      async *export() {},
      async erase({ userId }) {
        probe.calls.set(userId, (probe.calls.get(userId) ?? 0) + 1);
        if (probe.failNext) {
          probe.failNext = false;
          throw new Error('probe store unavailable');
        }
        const [, deleted] = await ds.query('DELETE FROM erasure_probe WHERE user_id = $1', [userId]);
        return { deleted: deleted as number, anonymised: 0, retained: [{ count: 1, basis: 'test basis' }], systemsReached: ['probe-store'] };
      },
    });
  });
  afterAll(() => t?.close());

  const as = staffRequests(() => t, tokens);
  const policyId = (category: string): Promise<string> => retentionPolicyId(ds, category);


  describe('policies', () => {
    it('lists one policy per category with the compliance defaults, to privacy officers and admins only', async () => {
      const res = await as('privacy_officer').get('/admin/retention-policies').query({ range: '[0,49]' }).expect(200);
      expect(res.headers['content-range']).toBe('retention-policies 0-9/10');
      const byCategory = Object.fromEntries((res.body as Array<{ category: string; keepDays: number; sweepAvailable: boolean }>).map((p) => [p.category, p]));
      expect(byCategory.access_logs).toMatchObject({ keepDays: 90, sweepAvailable: true, action: 'delete' });
      expect(byCategory.tickets).toMatchObject({ keepDays: 730, action: 'anonymise' });
      await as('admin').get('/admin/retention-policies').expect(200);
      await as('support_agent').get('/admin/retention-policies').expect(403);
      await as('admin').put(`/admin/retention-policies/${await policyId('access_logs')}`).send({ keepDays: 10 }).expect(403);
    });

    it('audits every change with before and after', async () => {
      const id = await policyId('access_logs');
      const res = await as('privacy_officer').put(`/admin/retention-policies/${id}`).send({ keepDays: 60 }).expect(200);
      expect(res.body.keepDays).toBe(60);
      const [entry] = await ds.query(`SELECT details FROM audit_log WHERE action = 'retention_policy.update' AND subject_id = $1`, [id]);
      expect(entry.details).toMatchObject({ category: 'access_logs', before: { keepDays: 90 }, after: { keepDays: 60 } });
      await as('privacy_officer').put(`/admin/retention-policies/${id}`).send({ keepDays: 90 }).expect(200);
    });

    it.each([[{ keepDays: -1 }], [{ keepDays: 1.5 }], [{ keepDays: '30' }], [{ enabled: 'yes' }], [{ category: 'other' }]])('refuses %j with 422 and changes nothing', async (body) => {
      const id = await policyId('access_logs');
      const res = await as('privacy_officer').put(`/admin/retention-policies/${id}`).send(body).expect(422);
      expect(res.body.code).toBeDefined();
      const [row] = await ds.query('SELECT keep_days, enabled FROM retention_policies WHERE id = $1', [id]);
      expect(row).toEqual({ keep_days: 90, enabled: true });
    });

    it('says when no installed module sweeps a category yet', async () => {
      await as('privacy_officer')
        .post(`/admin/retention-policies/${await policyId('account_profile')}/preview`)
        .expect(409)
        .expect((r) => expect(r.body.code).toBe('RETENTION_SWEEP_NOT_AVAILABLE'));
    });
  });

  describe('access-log sweep', () => {
    let held: string;
    let free: string;

    beforeAll(async () => {
      held = (await userWithToken(t.app, 'held.sweep@example.com')).id;
      free = (await userWithToken(t.app, 'free.sweep@example.com')).id;
      for (const [user, days] of [
        [held, 200],
        [held, 100],
        [free, 200],
        [free, 120],
        [free, 91],
        [free, 10],
      ] as const) {
        await ds.query(`INSERT INTO access_log (user_id, event, ip, device_type, created_at) VALUES ($1, 'login', '198.51.100.7', 'desktop', now() - make_interval(days => $2))`, [user, days]);
      }
      await as('privacy_officer').post('/admin/legal-holds').send({ scopeType: 'user', scopeId: held, reason: 'Regulator inquiry: keep sign-in records.', requestedBy: 'DPO' }).expect(201);
    });

    it('previews what would go and what the hold keeps, without deleting anything', async () => {
      const id = await policyId('access_logs');
      const res = await as('privacy_officer').post(`/admin/retention-policies/${id}/preview`).expect(200);
      expect(res.body).toMatchObject({ category: 'access_logs', matched: 5, held: 2, wouldProcess: 3 });
      expect(res.body.heldExamples).toHaveLength(2);
      expect(res.body.heldExamples[0].reason).toBe('Regulator inquiry: keep sign-in records.');
      const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM access_log WHERE user_id = ANY($1)', [[held, free]]);
      expect(n).toBe(6);
    });

    it('runs in the background, records counts and duration, and never touches held records', async () => {
      const id = await policyId('access_logs');
      const queued = await as('privacy_officer').post(`/admin/retention-policies/${id}/run`).expect(202);
      expect(queued.body.status).toBe('queued');
      const done = await until('the run to complete', async () => {
        const r = await as('admin').get(`/admin/retention-runs/${queued.body.id}`).expect(200);
        return r.body.status === 'completed' ? r.body : undefined;
      });
      expect(done).toMatchObject({ matched: 5, deleted: 3, anonymised: 0, skippedOnHold: 2, errors: 0, progress: 100, trigger: 'manual' });
      expect(done.durationMs).toBeGreaterThanOrEqual(0);
      const remaining = await ds.query(`SELECT user_id, extract(day from now() - created_at)::int AS age FROM access_log WHERE user_id = ANY($1) ORDER BY user_id = $2 DESC, age DESC`, [[held, free], held]);
      expect(remaining.map((r: { user_id: string }) => r.user_id)).toEqual([held, held, free]);
      const list = await as('privacy_officer').get('/admin/retention-runs').query({ filter: JSON.stringify({ policyId: id }) }).expect(200);
      expect(list.body.map((r: { id: string }) => r.id)).toContain(queued.body.id);
    });

    it('refuses a run while the policy is disabled', async () => {
      const id = await policyId('access_logs');
      await as('privacy_officer').put(`/admin/retention-policies/${id}`).send({ enabled: false }).expect(200);
      await as('privacy_officer').post(`/admin/retention-policies/${id}/run`).expect(409).expect((r) => expect(r.body.code).toBe('RETENTION_POLICY_DISABLED'));
      await as('privacy_officer').put(`/admin/retention-policies/${id}`).send({ enabled: true }).expect(200);
    });
  });

  describe('erasure', () => {
    it('schedules an adult account with the 30-day grace, shows it pending, and lets it be canceled', async () => {
      const { id } = await userWithToken(t.app, 'grace.user@example.com');
      const res = await as('privacy_officer').post('/admin/erasures').send({ userId: id, reason: 'Deletion request approved.' }).expect(201);
      expect(res.body).toMatchObject({ status: 'scheduled', child: false });
      const days = (new Date(res.body.runAfter).getTime() - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(29.9);
      expect(days).toBeLessThan(30.1);
      const [user] = await ds.query('SELECT status FROM users WHERE id = $1', [id]);
      expect(user.status).toBe('pending_deletion');
      // Not due: running it now changes nothing.
      expect((await t.app.get(ErasureService).execute(res.body.id)).status).toBe('scheduled');
      await as('privacy_officer').post('/admin/erasures').send({ userId: id, reason: 'twice' }).expect(409).expect((r) => expect(r.body.code).toBe('ERASURE_ALREADY_SCHEDULED'));
      const canceled = await as('privacy_officer').post(`/admin/erasures/${res.body.id}/cancel`).send({ reason: 'User withdrew the request.' }).expect(200);
      expect(canceled.body.status).toBe('canceled');
      const [after] = await ds.query('SELECT status FROM users WHERE id = $1', [id]);
      expect(after.status).toBe('active');
      await as('privacy_officer').post(`/admin/erasures/${res.body.id}/cancel`).send({ reason: 'again' }).expect(409);
    });

    it('erases a child account at once, destroys its key, and issues a certificate that verifies offline', async () => {
      const { id } = await userWithToken(t.app, 'child.user@example.com');
      await ds.query(`INSERT INTO erasure_probe VALUES ($1, 'drawing of a dragon'), ($1, 'second note')`, [id]);
      const sealed = await t.app.get(DataKeysService).seal(id, 'private', 'probe');
      const res = await as('privacy_officer').post('/admin/erasures').send({ userId: id, reason: 'Verified parent asked (COPPA).', child: true }).expect(201);
      const done = await until('the erasure to complete', async () => {
        const r = await as('privacy_officer').get(`/admin/erasures/${res.body.id}`).expect(200);
        return r.body.status === 'completed' ? r.body : undefined;
      });
      expect(done.steps).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ category: 'test.probe', state: 'done', deleted: 2 }),
          expect.objectContaining({ category: 'keystore.data_key', state: 'done' }),
        ]),
      );
      expect(await ds.query('SELECT * FROM erasure_probe WHERE user_id = $1', [id])).toEqual([]);
      await expect(t.app.get(DataKeysService).open(id, sealed, 'probe')).rejects.toMatchObject({ code: 'DATA_KEY_DESTROYED' });

      const cert = await as('privacy_officer').get(`/admin/deletion-certificates/${done.certificateId}`).expect(200);
      const document = cert.body.document;
      expect(JSON.stringify(cert.body)).not.toContain('child.user@example.com');
      expect(document.certificate).toMatchObject({ subjectId: id, dataKeyDestroyed: true });
      expect(document.certificate.retained).toEqual(expect.arrayContaining([{ category: 'test.probe', count: 1, basis: 'test basis' }]));
      expect(document.certificate.systemsReached).toEqual(expect.arrayContaining(['database', 'keystore', 'probe-store']));
      expect(verifyCertificate(document)).toEqual({ valid: true, fingerprint: cert.body.keyFingerprint });

      const file = path.join(tmpdir(), `cert-${done.certificateId}.json`);
      writeFileSync(file, JSON.stringify(cert.body));
      const ok = await run('npx', ['tsx', 'scripts/verify-certificate.ts', file], { cwd: ROOT });
      expect(ok.stdout).toMatch(/^VALID: signed by key [0-9a-f]{64}/);
      document.certificate.categories[0].deleted = 99;
      writeFileSync(file, JSON.stringify(document));
      await expect(run('npx', ['tsx', 'scripts/verify-certificate.ts', file], { cwd: ROOT })).rejects.toMatchObject({ code: 1, stdout: expect.stringMatching(/^INVALID/) });

      const pdf = await as('privacy_officer').get(`/admin/deletion-certificates/${done.certificateId}/pdf`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(pdf.status).toBe(200);
      expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
      await expect(ds.query('DELETE FROM deletion_certificates WHERE id = $1', [done.certificateId])).rejects.toThrow(/append-only/);
    });

    it('waits while a legal hold covers the account, with the reason shown, and runs once it is released', async () => {
      const { id } = await userWithToken(t.app, 'held.erase@example.com');
      await ds.query(`INSERT INTO erasure_probe VALUES ($1, 'evidence')`, [id]);
      const hold = await as('privacy_officer').post('/admin/legal-holds').send({ scopeType: 'user', scopeId: id, reason: 'Litigation: Doe v. Soar2', requestedBy: 'Counsel' }).expect(201);
      const res = await as('privacy_officer').post('/admin/erasures').send({ userId: id, reason: 'Parent request', child: true }).expect(201);
      const waiting = await until('the erasure to wait on the hold', async () => {
        const r = await as('privacy_officer').get(`/admin/erasures/${res.body.id}`).expect(200);
        return r.body.status === 'waiting_on_hold' ? r.body : undefined;
      });
      expect(waiting.holdReason).toContain('Litigation: Doe v. Soar2');
      expect(await ds.query('SELECT note FROM erasure_probe WHERE user_id = $1', [id])).toEqual([{ note: 'evidence' }]);
      await as('privacy_officer').post(`/admin/legal-holds/${hold.body.id}/release`).send({ reason: 'Case closed.' }).expect(200);
      await t.app.get(ErasureService).enqueueDue();
      await until('the erasure to complete', async () => (await t.app.get(ErasureService).get(res.body.id)).status === 'completed');
      expect(await ds.query('SELECT note FROM erasure_probe WHERE user_id = $1', [id])).toEqual([]);
    });

    it('resumes after a failing eraser without running finished steps twice', async () => {
      const { id } = await userWithToken(t.app, 'resume.erase@example.com');
      await ds.query(`INSERT INTO erasure_probe VALUES ($1, 'x')`, [id]);
      const erasures = t.app.get(ErasureService);
      const scheduled = await erasures.schedule({ userId: id, reason: 'resume test', actor: { type: 'system', id: 'test' } });
      await ds.query(`UPDATE erasures SET run_after = now() - interval '1 minute' WHERE id = $1`, [scheduled.id]);
      probe.failNext = true;
      await expect(erasures.execute(scheduled.id)).rejects.toThrow('probe store unavailable');
      const failed = await erasures.get(scheduled.id);
      expect(failed).toMatchObject({ status: 'running', lastError: expect.stringContaining('test.probe') });
      const done = await erasures.execute(scheduled.id);
      expect(done.status).toBe('completed');
      expect(probe.calls.get(id)).toBe(2);
      expect((await erasures.execute(scheduled.id)).status).toBe('completed');
      expect(probe.calls.get(id)).toBe(2);
    });

    it('refuses bad input and unknown accounts without creating anything', async () => {
      await as('privacy_officer').post('/admin/erasures').send({ userId: 'nope', reason: 'valid reason' }).expect(422);
      await as('privacy_officer').post('/admin/erasures').send({ userId: '00000000-0000-4000-8000-000000000000', reason: 'valid reason' }).expect(404);
      await as('support_agent').post('/admin/erasures').send({ userId: '00000000-0000-4000-8000-000000000000', reason: 'valid reason' }).expect(403);
    });
  });
});
