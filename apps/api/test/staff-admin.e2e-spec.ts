// Staff accounts over HTTP: admins invite, edit, disable, unlock and reset members; members set
// their password through the emailed link, change it, and turn TOTP two-step sign-in on and off.
import { readFileSync } from 'node:fs';
import PostalMime from 'postal-mime';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { StaffPasswordService } from '../src/identity/staff-password.service';
import { StaffService } from '../src/identity/staff.service';
import { base32Decode, totpCode } from '../src/identity/totp';
import { MailerService } from '../src/notifications/mailer.service';
import { OutboxDeliveryWorker } from '../src/notifications/outbox-delivery.worker';
import { TestApp, startTestApp } from './support/test-app';
import { userWithToken } from './support/tokens';

const PASSWORD = 'a long admin password';

interface AuditRow {
  action: string;
  actor_id: string | null;
  actor_type: string;
  subject_id: string | null;
  details: Record<string, unknown>;
}

describe('staff accounts (/admin/staff, /admin/auth)', () => {
  let t: TestApp;
  let ds: DataSource;
  let adminId: string;
  let adminToken: string;
  let otherAdminToken: string;
  let agentToken: string;
  /** Every password, token, link and TOTP secret used in this file, to prove none reaches a log line. */
  const secrets = new Set<string>([PASSWORD]);

  function as(token: string) {
    return {
      get: (path: string) => request(t.server).get(path).set('Authorization', `Bearer ${token}`),
      post: (path: string, body?: object) => request(t.server).post(path).set('Authorization', `Bearer ${token}`).send(body),
      put: (path: string, body: object) => request(t.server).put(path).set('Authorization', `Bearer ${token}`).send(body),
    };
  }

  function login(email: string, password: string, totp?: string): request.Test {
    return request(t.server)
      .post('/admin/auth/login')
      .send({ email, password, ...(totp === undefined ? {} : { totp }) });
  }

  async function signIn(email: string, password: string, totp?: string): Promise<{ token: string; id: string }> {
    const r = await login(email, password, totp);
    expect(r.status).toBe(200);
    secrets.add(r.body.token as string);
    return { token: r.body.token as string, id: r.body.staff.id as string };
  }

  /** Creates a member through the API and sets their password through the emailed link. */
  async function member(email: string, role: string, password = `${email} password`): Promise<{ id: string; token: string; password: string }> {
    const created = await as(adminToken).post('/admin/staff', { email, displayName: email.split('@')[0], role }).expect(201);
    await request(t.server)
      .post('/admin/auth/set-password')
      .send({ token: await linkTokenFor(email, 'staff.invitation'), password })
      .expect(204);
    secrets.add(password);
    const { token } = await signIn(email, password);
    return { id: created.body.id as string, token, password };
  }

  async function lastMail(to: string, kind: string): Promise<{ subject: string; text: string }> {
    while ((await t.app.get(OutboxDeliveryWorker).deliverDue()).claimed > 0);
    const [row] = (await ds.query(`SELECT id FROM notifications WHERE recipient = $1 AND kind = $2 ORDER BY created_at DESC LIMIT 1`, [to, kind])) as Array<{ id: string }>;
    if (!row) throw new Error(`no ${kind} message was sent to ${to}`);
    const parsed = await PostalMime.parse(readFileSync(t.app.get(MailerService).emlPath(row.id)));
    return { subject: parsed.subject ?? '', text: parsed.text ?? '' };
  }

  async function linkTokenFor(email: string, kind: 'staff.invitation' | 'staff.password_reset'): Promise<string> {
    const { text } = await lastMail(email, kind);
    const token = /#\/set-password\?token=(sp_[A-Za-z0-9_-]{43})/.exec(text)?.[1];
    if (!token) throw new Error(`the ${kind} message holds no link`);
    secrets.add(token);
    return token;
  }

  async function auditFor(subjectId: string, action?: string): Promise<AuditRow[]> {
    return (await ds.query(
      `SELECT action, actor_id, actor_type, subject_id, details FROM audit_log WHERE subject_id = $1 AND ($2::text IS NULL OR action = $2) ORDER BY sequence`,
      [subjectId, action ?? null],
    )) as AuditRow[];
  }

  async function auditCount(): Promise<number> {
    const [row] = (await ds.query(`SELECT count(*)::int AS n FROM audit_log`)) as Array<{ n: number }>;
    return row?.n ?? 0;
  }

  async function staffRow(id: string): Promise<Record<string, unknown>> {
    const [row] = (await ds.query(`SELECT * FROM staff WHERE id = $1`, [id])) as Array<Record<string, unknown>>;
    return row ?? {};
  }

  /** The code the authenticator app shows `offsetSteps` steps from now. */
  function code(secret: string, offsetSteps = 0): string {
    const key = base32Decode(secret);
    if (!key) throw new Error('not base32');
    return totpCode(key, Date.now() + offsetSteps * 30_000);
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { PROCESS_ROLES: 'api' } });
    ds = t.app.get(DataSource);
    await t.app.get(StaffService).ensure('ada.admin@soar2.test', 'Ada Admin', 'admin', PASSWORD);
    await t.app.get(StaffService).ensure('bob.admin@soar2.test', 'Bob Admin', 'admin', PASSWORD);
    await t.app.get(StaffService).ensure('sam.support@soar2.test', 'Sam Support', 'support_agent', PASSWORD);
    ({ token: adminToken, id: adminId } = await signIn('ada.admin@soar2.test', PASSWORD));
    ({ token: otherAdminToken } = await signIn('bob.admin@soar2.test', PASSWORD));
    ({ token: agentToken } = await signIn('sam.support@soar2.test', PASSWORD));
  });
  afterAll(() => t?.close());

  describe('invitation', () => {
    it('creates a member without a password, emails them a single-use link, and audits the creation without the address', async () => {
      const r = await as(adminToken).post('/admin/staff', { email: '  Nina.New@Soar2.TEST ', displayName: ' Nina New ', role: 'support_agent' }).expect(201);
      expect(r.body).toEqual({
        id: expect.any(String),
        email: 'nina.new@soar2.test',
        displayName: 'Nina New',
        role: 'support_agent',
        status: 'active',
        passwordSet: false,
        totpEnabled: false,
        locked: false,
        lockedUntil: null,
        failedLoginCount: 0,
        lastLoginAt: null,
        passwordChangedAt: null,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const id = r.body.id as string;

      const mail = await lastMail('nina.new@soar2.test', 'staff.invitation');
      expect(mail.subject).toBe('Your Soar2 Back-Office account');
      expect(mail.text).toContain('Hello Nina New');
      expect(mail.text).toMatch(/works once, until .* \(72 hours\)/);
      const [queued] = (await ds.query(`SELECT sensitive, class FROM notifications WHERE recipient = 'nina.new@soar2.test'`)) as Array<{ sensitive: boolean; class: string }>;
      expect(queued).toEqual({ sensitive: true, class: 'service_critical' });

      const [entry] = await auditFor(id, 'staff.create');
      expect(entry).toMatchObject({ actor_type: 'staff', actor_id: adminId, details: { after: { displayName: 'Nina New', role: 'support_agent', status: 'active' } } });
      expect(JSON.stringify(entry)).not.toContain('nina.new');

      // No password yet: signing in fails like any wrong password.
      expect((await login('nina.new@soar2.test', 'anything at all here')).body.code).toBe('INVALID_CREDENTIALS');
    });

    it('sets the password through the link, refusing weak passwords without spending the link, then refusing the used link', async () => {
      await as(adminToken).post('/admin/staff', { email: 'lena.link@soar2.test', displayName: 'Lena', role: 'auditor' }).expect(201);
      const token = await linkTokenFor('lena.link@soar2.test', 'staff.invitation');
      const set = (password: unknown) => request(t.server).post('/admin/auth/set-password').send({ token, password });

      expect((await set('short').expect(422)).body.errors).toEqual({ password: 'The password must be at least 12 characters long.' });
      expect((await set('LENA.LINK@soar2.test').expect(422)).body.errors).toEqual({ password: 'The password cannot be your email address.' });
      expect((await set(42).expect(422)).body.errors).toHaveProperty('password');
      await set('lena chose this password').expect(204);
      secrets.add('lena chose this password');

      const signedIn = await signIn('lena.link@soar2.test', 'lena chose this password');
      expect((await set('another good password').expect(400)).body.code).toBe('PASSWORD_LINK_INVALID');
      const [entry] = await auditFor(signedIn.id, 'staff.password_set');
      expect(entry).toMatchObject({ actor_id: signedIn.id, details: { purpose: 'invite' } });
      const row = await staffRow(signedIn.id);
      expect(row.password_set).toBe(true);
      expect(row.password_changed_at).toBeInstanceOf(Date);
    });

    it('refuses a malformed token (422), an unknown one, an expired one and a replaced one (400)', async () => {
      await request(t.server).post('/admin/auth/set-password').send({ token: 'not-a-token', password: 'long enough password' }).expect(422);
      const unknown = await request(t.server).post('/admin/auth/set-password').send({ token: `sp_${'A'.repeat(43)}`, password: 'long enough password' }).expect(400);
      expect(unknown.body.code).toBe('PASSWORD_LINK_INVALID');

      const { body } = await as(adminToken).post('/admin/staff', { email: 'eli.expired@soar2.test', displayName: 'Eli', role: 'auditor' }).expect(201);
      const first = await linkTokenFor('eli.expired@soar2.test', 'staff.invitation');
      await as(adminToken).post(`/admin/staff/${body.id as string}/reset-password`).expect(202);
      const replaced = await request(t.server).post('/admin/auth/set-password').send({ token: first, password: 'long enough password' }).expect(400);
      expect(replaced.body.code).toBe('PASSWORD_LINK_INVALID');

      const second = await linkTokenFor('eli.expired@soar2.test', 'staff.password_reset');
      await ds.query(`UPDATE staff_password_links SET expires_at = now() - interval '1 second' WHERE staff_id = $1`, [body.id]);
      const expired = await request(t.server).post('/admin/auth/set-password').send({ token: second, password: 'long enough password' }).expect(400);
      expect(expired.body).toMatchObject({ code: 'PASSWORD_LINK_EXPIRED', message: 'This link to set a password has expired. Ask an admin for a new link.' });
    });

    it('answers 422 with a message per field for bad input, and writes nothing', async () => {
      const before = await auditCount();
      const r = await as(adminToken).post('/admin/staff', { email: 'not an email', displayName: '', role: 'superuser', password: 'x' }).expect(422);
      expect(r.body.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(r.body.errors as object).sort()).toEqual(['displayName', 'email', 'password', 'role']);
      expect(r.body.errors.role).toBe('Role must be one of admin, support_agent, privacy_officer, auditor.');
      expect((await as(adminToken).post('/admin/staff', {}).expect(422)).body.errors).toHaveProperty('email');
      const bidi = await as(adminToken).post('/admin/staff', { email: 'bidi@soar2.test', displayName: 'evil\u202Eadmin', role: 'auditor' }).expect(422);
      expect(bidi.body.errors).toHaveProperty('displayName');
      expect(await auditCount()).toBe(before);
    });

    it('answers 409 STAFF_EMAIL_TAKEN for an address already in use, whatever its case', async () => {
      const r = await as(adminToken).post('/admin/staff', { email: 'SAM.SUPPORT@soar2.test', displayName: 'Sam Again', role: 'auditor' }).expect(409);
      expect(r.body).toMatchObject({ code: 'STAFF_EMAIL_TAKEN', message: 'Another staff member already has this email address.' });
      const rows = (await ds.query(`SELECT count(*)::int AS n FROM staff WHERE email = 'sam.support@soar2.test'`)) as Array<{ n: number }>;
      expect(rows[0]?.n).toBe(1);
    });

    it('refuses every staff route to a support agent (403) and to end-user or missing tokens (401)', async () => {
      const before = await auditCount();
      await as(agentToken).get('/admin/staff').expect(403);
      await as(agentToken).post('/admin/staff', { email: 'x@soar2.test', displayName: 'X', role: 'admin' }).expect(403);
      await as(agentToken).put(`/admin/staff/${adminId}`, { role: 'support_agent' }).expect(403);
      await as(agentToken).post(`/admin/staff/${adminId}/reset-password`).expect(403);
      await as(agentToken).post(`/admin/staff/${adminId}/unlock`).expect(403);
      await request(t.server).put(`/admin/staff/${adminId}`).send({ displayName: 'X' }).expect(401);
      const endUser = await userWithToken(t.app, 'end.user@example.test');
      await as(endUser.token).put(`/admin/staff/${adminId}`, { displayName: 'X' }).expect(401);
      await as(endUser.token).post('/admin/auth/password', { currentPassword: 'x', newPassword: 'something long enough' }).expect(401);
      expect(await auditCount()).toBe(before);
    });
  });

  describe('editing', () => {
    it('lists staff with role, status and text filters, newest fields included and no secrets', async () => {
      const r = await as(adminToken)
        .get('/admin/staff')
        .query({ filter: JSON.stringify({ role: 'admin', status: 'active', q: 'ADMIN@soar2' }), sort: '["email","ASC"]', range: '[0,9]' })
        .expect(200);
      expect(r.headers['content-range']).toBe('staff 0-1/2');
      expect((r.body as Array<{ email: string }>).map((s) => s.email)).toEqual(['ada.admin@soar2.test', 'bob.admin@soar2.test']);
      const text = JSON.stringify(r.body);
      expect(text).not.toMatch(/password_?hash|totp_?secret|totpPending|totpLastStep/i);
      expect(r.body[0]).toHaveProperty('totpEnabled', false);
      const one = await as(adminToken).get(`/admin/staff/${adminId}`).expect(200);
      expect(one.body).toMatchObject({ id: adminId, role: 'admin', passwordSet: true });
      await as(adminToken).get('/admin/staff/not-a-uuid').expect(404);
      await as(adminToken).get('/admin/staff/00000000-0000-4000-8000-000000000000').expect(404);
    });

    it('changes another member’s name and role with before/after in the audit log, and signs them out', async () => {
      const m = await member('rick.role@soar2.test', 'support_agent');
      const r = await as(adminToken).put(`/admin/staff/${m.id}`, { displayName: 'Rick Role', role: 'privacy_officer', status: 'active' }).expect(200);
      expect(r.body).toMatchObject({ displayName: 'Rick Role', role: 'privacy_officer', status: 'active' });
      const [entry] = await auditFor(m.id, 'staff.update');
      expect(entry?.details).toEqual({
        before: { displayName: 'rick.role', role: 'support_agent' },
        after: { displayName: 'Rick Role', role: 'privacy_officer' },
        sessionsRevoked: 1,
      });
      expect(entry?.actor_id).toBe(adminId);
      expect(JSON.stringify(entry)).not.toMatch(/password/i);
      // The old session carried the old role's rules: it is gone, and a new sign-in gets the new ones.
      await as(m.token).get('/admin/auth/me').expect(401);
      const again = await login('rick.role@soar2.test', m.password).expect(200);
      expect(again.body.staff.role).toBe('privacy_officer');
    });

    it('keeps sessions and writes nothing when only the name changes, or when nothing changes', async () => {
      const m = await member('nora.name@soar2.test', 'auditor');
      await as(adminToken).put(`/admin/staff/${m.id}`, { displayName: 'Nora Name' }).expect(200);
      await as(m.token).get('/admin/auth/me').expect(200);
      expect((await auditFor(m.id, 'staff.update'))[0]?.details).toEqual({ before: { displayName: 'nora.name' }, after: { displayName: 'Nora Name' }, sessionsRevoked: 0 });
      const before = await auditCount();
      await as(adminToken).put(`/admin/staff/${m.id}`, { displayName: 'Nora Name', role: 'auditor', status: 'active' }).expect(200);
      expect(await auditCount()).toBe(before);
    });

    it('disables a member: their sessions end at once, sign-in is refused, and enabling lets them back', async () => {
      const m = await member('dora.disabled@soar2.test', 'support_agent');
      const second = await signIn('dora.disabled@soar2.test', m.password);
      await as(adminToken).put(`/admin/staff/${m.id}`, { status: 'disabled' }).expect(200);
      await as(m.token).get('/admin/auth/me').expect(401);
      await as(second.token).get('/admin/auth/me').expect(401);
      const revoked = (await ds.query(`SELECT count(*)::int AS n FROM staff_sessions WHERE staff_id = $1 AND revoked_at IS NULL`, [m.id])) as Array<{ n: number }>;
      expect(revoked[0]?.n).toBe(0);
      expect((await auditFor(m.id, 'staff.update'))[0]?.details).toEqual({ before: { status: 'active' }, after: { status: 'disabled' }, sessionsRevoked: 2 });
      expect((await login('dora.disabled@soar2.test', m.password)).body.code).toBe('INVALID_CREDENTIALS');
      const resend = await as(adminToken).post(`/admin/staff/${m.id}/reset-password`).expect(409);
      expect(resend.body.code).toBe('STAFF_DISABLED');

      await as(adminToken).put(`/admin/staff/${m.id}`, { status: 'active' }).expect(200);
      await login('dora.disabled@soar2.test', m.password).expect(200);
    });

    it('refuses an admin changing their own role or status with a 403 sentence, writes nothing, and allows their own name', async () => {
      const before = await auditCount();
      const role = await as(adminToken).put(`/admin/staff/${adminId}`, { role: 'auditor' }).expect(403);
      expect(role.body).toMatchObject({ code: 'FIELD_NOT_EDITABLE', message: 'A staff member cannot change their own role or status.' });
      const status = await as(adminToken).put(`/admin/staff/${adminId}`, { displayName: 'Ada Renamed', status: 'disabled' }).expect(403);
      expect(status.body.code).toBe('FIELD_NOT_EDITABLE');
      expect(await auditCount()).toBe(before);
      expect(await staffRow(adminId)).toMatchObject({ role: 'admin', status: 'active', display_name: 'Ada Admin' });
      await as(adminToken).get('/admin/auth/me').expect(200);

      // The console sends the whole form: the unchanged role and status are not a change.
      const own = await as(adminToken).put(`/admin/staff/${adminId}`, { displayName: 'Ada A. Admin', role: 'admin', status: 'active' }).expect(200);
      expect(own.body.displayName).toBe('Ada A. Admin');
    });

    it('lets another admin change an admin’s role, which the admin could not do themselves', async () => {
      const m = await member('abe.admin@soar2.test', 'admin');
      await as(m.token).put(`/admin/staff/${m.id}`, { role: 'auditor' }).expect(403);
      await as(adminToken).put(`/admin/staff/${m.id}`, { role: 'auditor' }).expect(200);
    });

    it('answers 422 for a field that cannot be edited here or a bad value, and 404 for an unknown member', async () => {
      const m = await member('vic.valid@soar2.test', 'auditor');
      const r = await as(adminToken).put(`/admin/staff/${m.id}`, { email: 'other@soar2.test', role: 'root', status: 'gone', displayName: '  ' }).expect(422);
      expect(Object.keys(r.body.errors as object).sort()).toEqual(['displayName', 'email', 'role', 'status']);
      await as(adminToken).put('/admin/staff/00000000-0000-4000-8000-000000000000', { displayName: 'Nobody' }).expect(404);
      await as(adminToken).put('/admin/staff/123', { displayName: 'Nobody' }).expect(404);
    });

    it('lets exactly one of two admins who disable each other at the same moment succeed', async () => {
      const a = await member('cat.concurrent@soar2.test', 'admin');
      const b = await member('dan.concurrent@soar2.test', 'admin');
      const [ra, rb] = await Promise.all([as(a.token).put(`/admin/staff/${b.id}`, { status: 'disabled' }), as(b.token).put(`/admin/staff/${a.id}`, { status: 'disabled' })]);
      const statuses = [ra.status, rb.status].sort();
      expect(statuses[0]).toBe(200);
      expect([401, 403]).toContain(statuses[1]);
      const active = (await ds.query(`SELECT count(*)::int AS n FROM staff WHERE id IN ($1, $2) AND status = 'active'`, [a.id, b.id])) as Array<{ n: number }>;
      expect(active[0]?.n).toBe(1);
    });
  });

  describe('unlock and reset', () => {
    it('unlocks a member locked out by five failures, recording the lock it lifted', async () => {
      const m = await member('lou.locked@soar2.test', 'auditor');
      for (let i = 0; i < 5; i += 1) expect((await login('lou.locked@soar2.test', 'wrong password!')).status).toBe(401);
      const locked = await login('lou.locked@soar2.test', m.password).expect(429);
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
      expect((await as(adminToken).get(`/admin/staff/${m.id}`)).body).toMatchObject({ locked: true, failedLoginCount: 5 });

      const r = await as(adminToken).post(`/admin/staff/${m.id}/unlock`).expect(200);
      expect(r.body).toMatchObject({ locked: false, lockedUntil: null, failedLoginCount: 0 });
      const [entry] = await auditFor(m.id, 'staff.unlock');
      expect(entry?.details).toEqual({ before: { failedLoginCount: 5, lockedUntil: expect.any(String) }, after: { failedLoginCount: 0, lockedUntil: null } });
      await login('lou.locked@soar2.test', m.password).expect(200);

      const before = await auditCount();
      await as(adminToken).post(`/admin/staff/${m.id}/unlock`).expect(200);
      expect(await auditCount()).toBe(before);
      await as(adminToken).post('/admin/staff/00000000-0000-4000-8000-000000000000/unlock').expect(404);
    });

    it('resets a password: the old one stops working, sessions end, and the emailed link sets a new one', async () => {
      const m = await member('rita.reset@soar2.test', 'support_agent');
      const r = await as(adminToken).post(`/admin/staff/${m.id}/reset-password`).expect(202);
      expect(r.body).toEqual({ message: 'A link to set a new password was emailed to the staff member. It works once, for 2 hours.', expiresAt: expect.any(String) });
      await as(m.token).get('/admin/auth/me').expect(401);
      expect((await login('rita.reset@soar2.test', m.password)).body.code).toBe('INVALID_CREDENTIALS');
      expect((await as(adminToken).get(`/admin/staff/${m.id}`)).body.passwordSet).toBe(false);
      expect((await auditFor(m.id, 'staff.password_reset'))[0]?.details).toMatchObject({ sessionsRevoked: 1 });

      const mail = await lastMail('rita.reset@soar2.test', 'staff.password_reset');
      expect(mail.text).toContain('your previous password no longer works');
      const token = await linkTokenFor('rita.reset@soar2.test', 'staff.password_reset');
      await request(t.server).post('/admin/auth/set-password').send({ token, password: 'rita has a new password' }).expect(204);
      secrets.add('rita has a new password');
      await login('rita.reset@soar2.test', 'rita has a new password').expect(200);
      await as(adminToken).post('/admin/staff/00000000-0000-4000-8000-000000000000/reset-password').expect(404);
    });
  });

  it('deletes set-password links a week after they were used or expired, keeping the others', async () => {
    const [{ id }] = (await ds.query(`SELECT id FROM staff WHERE email = 'sam.support@soar2.test'`)) as Array<{ id: string }>;
    const now = new Date();
    const daysAgo = (d: number): Date => new Date(now.getTime() - d * 86_400_000);
    const link = async (expiresAt: Date, usedAt: Date | null): Promise<string> => {
      const [row] = (await ds.query(
        `INSERT INTO staff_password_links (staff_id, token_hash, purpose, expires_at, used_at) VALUES ($1, decode(md5(random()::text), 'hex'), 'reset', $2, $3) RETURNING id`,
        [id, expiresAt, usedAt],
      )) as Array<{ id: string }>;
      return row?.id ?? '';
    };
    await link(daysAgo(8), null);
    await link(daysAgo(-1), daysAgo(8));
    const kept = [await link(daysAgo(6), null), await link(daysAgo(-1), daysAgo(6)), await link(daysAgo(-1), null)];
    expect(await t.app.get(StaffPasswordService).purge(now)).toBe(2);
    const left = (await ds.query(`SELECT id FROM staff_password_links WHERE staff_id = $1`, [id])) as Array<{ id: string }>;
    expect(new Set(left.map((r) => r.id))).toEqual(new Set(kept));
  });

  describe('own password', () => {
    it('changes it with the current one, keeping this session and ending the others, and tells the member by email', async () => {
      const m = await member('pat.password@soar2.test', 'auditor');
      const other = await signIn('pat.password@soar2.test', m.password);
      await as(m.token).post('/admin/auth/password', { currentPassword: m.password, newPassword: 'pat has a brand new one' }).expect(204);
      secrets.add('pat has a brand new one');
      await as(m.token).get('/admin/auth/me').expect(200);
      await as(other.token).get('/admin/auth/me').expect(401);
      expect((await login('pat.password@soar2.test', m.password)).status).toBe(401);
      await login('pat.password@soar2.test', 'pat has a brand new one').expect(200);
      expect((await lastMail('pat.password@soar2.test', 'staff.password_changed')).text).toContain('Your other sessions were signed out.');
      expect((await auditFor(m.id, 'staff.password_change'))[0]).toMatchObject({ actor_id: m.id, details: { outcome: 'success', sessionsRevoked: 1 } });
    });

    it('refuses a wrong current password (counted towards the lockout) and passwords that break the rules', async () => {
      const m = await member('walt.wrong@soar2.test', 'auditor');
      const wrong = await as(m.token).post('/admin/auth/password', { currentPassword: 'not my password', newPassword: 'a perfectly fine new one' }).expect(422);
      expect(wrong.body.errors).toEqual({ currentPassword: 'The current password is not correct.' });
      expect((await staffRow(m.id)).failed_login_count).toBe(1);
      expect((await auditFor(m.id, 'staff.password_change'))[0]?.details).toEqual({ outcome: 'failure', reason: 'wrong_password' });

      const short = await as(m.token).post('/admin/auth/password', { currentPassword: m.password, newPassword: 'too short' }).expect(422);
      expect(short.body.errors).toEqual({ newPassword: 'The password must be at least 12 characters long.' });
      const email = await as(m.token).post('/admin/auth/password', { currentPassword: m.password, newPassword: 'Walt.Wrong@soar2.test' }).expect(422);
      expect(email.body.errors).toEqual({ newPassword: 'The password cannot be your email address.' });
      const same = await as(m.token).post('/admin/auth/password', { currentPassword: m.password, newPassword: m.password }).expect(422);
      expect(same.body.errors).toEqual({ newPassword: 'The new password must be different from the current one.' });
      expect((await as(m.token).post('/admin/auth/password', {}).expect(422)).body.errors).toEqual({
        currentPassword: 'Enter your current password.',
        newPassword: 'Enter a new password.',
      });

      for (let i = 0; i < 4; i += 1) await as(m.token).post('/admin/auth/password', { currentPassword: 'still not it', newPassword: 'a perfectly fine new one' }).expect(422);
      const locked = await as(m.token).post('/admin/auth/password', { currentPassword: m.password, newPassword: 'a perfectly fine new one' }).expect(429);
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
      expect(locked.headers['retry-after']).toBeDefined();
    });
  });

  describe('two-step sign-in (TOTP)', () => {
    it('sets up, confirms, then requires a code at sign-in, refusing wrong and replayed codes', async () => {
      const m = await member('tess.totp@soar2.test', 'privacy_officer');
      expect((await as(m.token).get('/admin/auth/totp').expect(200)).body).toEqual({ enabled: false, pending: false, enabledAt: null });

      const setup = await as(m.token).post('/admin/auth/totp/setup').expect(200);
      const secret = setup.body.secret as string;
      secrets.add(secret);
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(setup.body.uri).toBe(`otpauth://totp/Soar2%20Back-Office:tess.totp%40soar2.test?secret=${secret}&issuer=Soar2%20Back-Office&algorithm=SHA1&digits=6&period=30`);
      // Stored sealed: neither the secret nor its base32 text is in the row.
      const row = await staffRow(m.id);
      const raw = base32Decode(secret) as Buffer;
      expect(Buffer.isBuffer(row.totp_pending_secret) && !(row.totp_pending_secret as Buffer).includes(raw)).toBe(true);
      expect(JSON.stringify(row)).not.toContain(secret);
      expect((await as(m.token).get('/admin/auth/totp')).body).toMatchObject({ enabled: false, pending: true });
      // Pending is not on: the password alone still signs in.
      await login('tess.totp@soar2.test', m.password).expect(200);

      const wrongConfirm = await as(m.token).post('/admin/auth/totp/confirm', { code: String((Number(code(secret)) + 500_000) % 1_000_000).padStart(6, '0') }).expect(400);
      expect(wrongConfirm.body.code).toBe('INVALID_TOTP');
      expect((await as(m.token).post('/admin/auth/totp/confirm', { code: '12345' }).expect(422)).body.errors).toHaveProperty('code');
      const confirmCode = code(secret);
      const confirmed = await as(m.token).post('/admin/auth/totp/confirm', { code: confirmCode }).expect(200);
      expect(confirmed.body).toMatchObject({ enabled: true, pending: false });
      expect((await auditFor(m.id, 'staff.totp_enable'))).toHaveLength(1);
      expect((await as(adminToken).get(`/admin/staff/${m.id}`)).body.totpEnabled).toBe(true);

      const missing = await login('tess.totp@soar2.test', m.password).expect(401);
      expect(missing.body).toMatchObject({ code: 'TOTP_REQUIRED', message: 'Enter the 6-digit code from your authenticator app.' });
      expect((await staffRow(m.id)).failed_login_count).toBe(0);
      // A wrong password is refused as such before any code is asked for.
      expect((await login('tess.totp@soar2.test', 'not the password', code(secret, 1))).body.code).toBe('INVALID_CREDENTIALS');

      const wrong = await login('tess.totp@soar2.test', m.password, String((Number(code(secret)) + 1) % 1_000_000).padStart(6, '0')).expect(401);
      expect(wrong.body.code).toBe('INVALID_TOTP');
      expect((await staffRow(m.id)).failed_login_count).toBe(2);

      // The code that confirmed the set-up is spent: it cannot sign anyone in.
      expect((await login('tess.totp@soar2.test', m.password, confirmCode)).body.code).toBe('INVALID_TOTP');
      const next = code(secret, 1);
      const ok = await login('tess.totp@soar2.test', m.password, next).expect(200);
      secrets.add(ok.body.token as string);
      expect((await auditFor(m.id, 'staff.login')).at(-1)?.details).toMatchObject({ outcome: 'success', totp: true });
      const replay = await login('tess.totp@soar2.test', m.password, next).expect(401);
      expect(replay.body.code).toBe('INVALID_TOTP');
      expect((await auditFor(m.id, 'staff.login')).at(-1)?.details).toMatchObject({ outcome: 'failure', reason: 'totp_replayed' });
      await as(m.token).post('/admin/auth/totp/setup').expect(409);
    });

    it('accepts a code once even when two sign-ins send it at the same moment', async () => {
      const m = await member('cora.concurrent@soar2.test', 'auditor');
      const { secret } = (await as(m.token).post('/admin/auth/totp/setup').expect(200)).body as { secret: string };
      secrets.add(secret);
      await as(m.token).post('/admin/auth/totp/confirm', { code: code(secret) }).expect(200);
      const next = code(secret, 1);
      const answers = await Promise.all([login('cora.concurrent@soar2.test', m.password, next), login('cora.concurrent@soar2.test', m.password, next)]);
      for (const r of answers) if (r.status === 200) secrets.add(r.body.token as string);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 401]);
      expect(answers.find((r) => r.status === 401)?.body.code).toBe('INVALID_TOTP');
    });

    it('locks the account after five wrong codes, like wrong passwords', async () => {
      const m = await member('zed.lockout@soar2.test', 'auditor');
      const { secret } = (await as(m.token).post('/admin/auth/totp/setup').expect(200)).body as { secret: string };
      secrets.add(secret);
      await as(m.token).post('/admin/auth/totp/confirm', { code: code(secret) }).expect(200);
      const bad = String((Number(code(secret, 1)) + 7) % 1_000_000).padStart(6, '0');
      for (let i = 0; i < 5; i += 1) expect((await login('zed.lockout@soar2.test', m.password, bad)).body.code).toBe('INVALID_TOTP');
      const locked = await login('zed.lockout@soar2.test', m.password, code(secret, 1)).expect(429);
      expect(locked.body.code).toBe('ACCOUNT_LOCKED');
      expect((await auditFor(m.id, 'staff.login')).filter((e) => e.details.reason === 'wrong_totp')).toHaveLength(5);
    });

    it('replaces a pending secret with a new set-up, and refuses to confirm without one', async () => {
      const m = await member('sid.setup@soar2.test', 'auditor');
      expect((await as(m.token).post('/admin/auth/totp/confirm', { code: '123456' }).expect(409)).body.code).toBe('TOTP_NOT_PENDING');
      const first = (await as(m.token).post('/admin/auth/totp/setup').expect(200)).body.secret as string;
      const second = (await as(m.token).post('/admin/auth/totp/setup').expect(200)).body.secret as string;
      secrets.add(first).add(second);
      expect(second).not.toBe(first);
      if (code(first) !== code(second)) expect((await as(m.token).post('/admin/auth/totp/confirm', { code: code(first) }).expect(400)).body.code).toBe('INVALID_TOTP');
      await as(m.token).post('/admin/auth/totp/confirm', { code: code(second) }).expect(200);
    });

    it('turns off with the password (a wrong one counts), then signs in with the password alone', async () => {
      const m = await member('otto.off@soar2.test', 'auditor');
      expect((await as(m.token).post('/admin/auth/totp/disable', { password: m.password }).expect(409)).body.code).toBe('TOTP_NOT_ENABLED');
      const { secret } = (await as(m.token).post('/admin/auth/totp/setup').expect(200)).body as { secret: string };
      secrets.add(secret);
      await as(m.token).post('/admin/auth/totp/confirm', { code: code(secret) }).expect(200);

      const wrong = await as(m.token).post('/admin/auth/totp/disable', { password: 'not the password' }).expect(422);
      expect(wrong.body.errors).toEqual({ password: 'The password is not correct.' });
      expect((await staffRow(m.id)).failed_login_count).toBe(1);
      await as(m.token).post('/admin/auth/totp/disable', {}).expect(422);
      await as(m.token).post('/admin/auth/totp/disable', { password: m.password }).expect(204);
      expect(await staffRow(m.id)).toMatchObject({ totp_secret: null, totp_pending_secret: null, totp_enabled_at: null });
      expect((await auditFor(m.id, 'staff.totp_disable')).map((e) => e.details.outcome)).toEqual(['failure', 'success']);
      expect((await lastMail('otto.off@soar2.test', 'staff.totp_disabled')).text).toContain('You turned off two-step sign-in');
      await login('otto.off@soar2.test', m.password).expect(200);
    });

    it('lets an admin turn off another member’s TOTP when its secret no longer decrypts, but never their own', async () => {
      const m = await member('kim.key@soar2.test', 'auditor');
      const { secret } = (await as(m.token).post('/admin/auth/totp/setup').expect(200)).body as { secret: string };
      secrets.add(secret);
      await as(m.token).post('/admin/auth/totp/confirm', { code: code(secret) }).expect(200);
      // As after a change of TOTP_ENCRYPTION_KEY: the sealed secret no longer opens.
      await ds.query(`UPDATE staff SET totp_secret = decode(repeat('01', 40), 'hex') WHERE id = $1`, [m.id]);
      const unreadable = await login('kim.key@soar2.test', m.password, code(secret, 1)).expect(500);
      expect(unreadable.body.code).toBe('TOTP_SECRET_UNREADABLE');

      const r = await as(adminToken).post(`/admin/staff/${m.id}/disable-totp`).expect(200);
      expect(r.body.totpEnabled).toBe(false);
      expect((await auditFor(m.id, 'staff.totp_disable')).at(-1)).toMatchObject({ actor_id: adminId, details: { by: 'admin' } });
      expect((await lastMail('kim.key@soar2.test', 'staff.totp_disabled')).text).toContain('An administrator turned off two-step sign-in');
      await login('kim.key@soar2.test', m.password).expect(200);
      expect((await as(adminToken).post(`/admin/staff/${m.id}/disable-totp`).expect(409)).body.code).toBe('TOTP_NOT_ENABLED');

      const own = await as(adminToken).post(`/admin/staff/${adminId}/disable-totp`).expect(403);
      expect(own.body).toMatchObject({ code: 'FIELD_NOT_EDITABLE', message: 'Turn off your own two-step sign-in under Security, with your password.' });
    });
  });

  it('lets any admin edit another admin’s name', async () => {
    await as(otherAdminToken).get(`/admin/staff/${adminId}`).expect(200);
    const r = await as(otherAdminToken).put(`/admin/staff/${adminId}`, { displayName: 'Ada Admin' }).expect(200);
    expect(r.body.displayName).toBe('Ada Admin');
  });

  it('never writes passwords, links, tokens or TOTP secrets to the logs', () => {
    const text = JSON.stringify(t.logs);
    // Runs last: every secret the tests above used is known by now.
    expect(secrets.size).toBeGreaterThan(30);
    expect(t.logs.length).toBeGreaterThan(10);
    const leaked = [...secrets].filter((s) => text.includes(s));
    expect(leaked).toEqual([]);
    expect(text).not.toContain('otpauth://');
  });
});
