// The console's users resource: field rules per role (forbidden fields absent), lists filtered in
// SQL by the caller's rules, audited detail reads, and restriction of processing by privacy officers.
import { randomUUID } from 'node:crypto';
import { getRepositoryToken } from '@nestjs/typeorm';
import request from 'supertest';
import { DataSource, Repository } from 'typeorm';
import { ListPage } from '../src/admin-query/list-page';
import { parseListQuery } from '../src/admin-query/list-query';
import { AuditService } from '../src/audit/audit.service';
import { abilityFromRules } from '../src/authz/ability';
import { PermissionRule, STAFF_ROLE_NAMES, StaffRoleName, USER_PRIVACY_FIELDS, USER_SUPPORT_FIELDS } from '../src/authz/permissions';
import { AccessLogService } from '../src/identity/access-log.service';
import { ForbiddenActionException } from '../src/identity/identity.exception';
import type { UserAdminView } from '../src/identity/user-admin-view';
import { USER_LIST_RULES } from '../src/identity/user-list-query';
import { UserEntity } from '../src/identity/user.entity';
import { UsersAdminService } from '../src/identity/users-admin.service';
import { UsersService } from '../src/identity/users.service';
import { NotificationsService } from '../src/notifications/notifications.service';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

interface AuditRow {
  sequence: string;
  action: string;
  actor_id: string | null;
  actor_role: string | null;
  subject_type: string | null;
  subject_id: string | null;
  details: Record<string, unknown>;
}

describe('console users (/admin/users)', () => {
  let t: TestApp;
  let ds: DataSource;
  const staffIds = {} as Record<StaffRoleName, string>;
  const tokens = {} as Record<StaffRoleName, string>;
  let alice: UserEntity;
  /** Every address and IP this file uses, to prove none reaches a log line or an audit entry's details. */
  const secrets = new Set<string>();

  function as(role: StaffRoleName | 'anonymous', method: 'get' | 'post', path: string): request.Test {
    const req = request(t.server)[method](path);
    return role === 'anonymous' ? req : req.set('Authorization', `Bearer ${tokens[role]}`);
  }

  function list(role: StaffRoleName, params: { filter?: Record<string, unknown>; sort?: [string, string]; range?: [number, number] } = {}): request.Test {
    const query: Record<string, string> = {};
    if (params.filter) query.filter = JSON.stringify(params.filter);
    if (params.sort) query.sort = JSON.stringify(params.sort);
    if (params.range) query.range = JSON.stringify(params.range);
    return as(role, 'get', '/admin/users').query(query);
  }

  async function createUser(email: string, name: string, region: string, changes: { status?: string; createdAt?: string } = {}): Promise<UserEntity> {
    secrets.add(email);
    const user = await t.app.get(UsersService).ensure(email, name, region);
    if (changes.status) await ds.query(`UPDATE users SET status = $2 WHERE id = $1`, [user.id, changes.status]);
    if (changes.createdAt) await ds.query(`UPDATE users SET created_at = $2 WHERE id = $1`, [user.id, changes.createdAt]);
    return t.app.get(UsersService).get(user.id);
  }

  async function auditEntries(action: string, subjectId?: string): Promise<AuditRow[]> {
    return ds.query(
      `SELECT sequence, action, actor_id, actor_role, subject_type, subject_id, details FROM audit_log
        WHERE action = $1 AND ($2::text IS NULL OR subject_id = $2) ORDER BY sequence`,
      [action, subjectId ?? null],
    );
  }

  async function statusOf(id: string): Promise<string | undefined> {
    const rows: Array<{ status: string }> = await ds.query('SELECT status FROM users WHERE id = $1', [id]);
    return rows[0]?.status;
  }

  beforeAll(async () => {
    t = await startTestApp({ env: { PROCESS_ROLES: 'api' } });
    ds = t.app.get(DataSource);
    for (const role of STAFF_ROLE_NAMES) {
      staffIds[role] = await ensureStaff(t.app, role);
      tokens[role] = await issueStaffToken(t.app, staffIds[role]);
    }
    alice = await createUser('alice@detail.example.test', 'Alice', 'FR');
    // One live session, one signed out, one expired: only the first counts as active.
    await userWithToken(t.app, alice.email);
    await userWithToken(t.app, alice.email);
    await ds.query(`UPDATE user_sessions SET revoked_at = now(), revoked_reason = 'logout' WHERE id IN (SELECT id FROM user_sessions WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1)`, [alice.id]);
    await userWithToken(t.app, alice.email);
    await ds.query(`UPDATE user_sessions SET expires_at = now() - interval '1 minute' WHERE id IN (SELECT id FROM user_sessions WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at DESC LIMIT 1)`, [alice.id]);
    const accessLog = t.app.get(AccessLogService);
    for (const [ip, userAgent] of [['203.0.113.7', FIREFOX], ['2001:db8::42', IPHONE]] as const) {
      secrets.add(ip);
      await accessLog.record({ userId: alice.id, sessionId: null, event: 'login', client: { ip, userAgent } });
    }
    // The IP is sealed with Alice's key (decision 020): the Firefox entry is found by its clear device type.
    await ds.query(`UPDATE access_log SET created_at = now() - interval '1 day' WHERE user_id = $1 AND device_type = 'desktop'`, [alice.id]);
  });
  afterAll(() => t.close());

  describe('field rules', () => {
    it('shows a support agent a user’s identity and state only: the privacy fields are absent from the JSON', async () => {
      const r = await as('support_agent', 'get', `/admin/users/${alice.id}`).expect(200);
      expect(Object.keys(r.body).sort()).toEqual([...USER_SUPPORT_FIELDS].sort());
      expect(r.body).toMatchObject({ id: alice.id, email: alice.email, displayName: 'Alice', region: 'FR', status: 'active' });
      for (const field of USER_PRIVACY_FIELDS) expect(r.body).not.toHaveProperty(field);
      expect(r.text).not.toMatch(/203\.0\.113\.7|2001:db8|accessLog|ageConfirmedAt|activeSessions/);
    });

    it('shows an admin the same fields as a support agent', async () => {
      const r = await as('admin', 'get', `/admin/users/${alice.id}`).expect(200);
      expect(Object.keys(r.body).sort()).toEqual([...USER_SUPPORT_FIELDS].sort());
    });

    it('shows a privacy officer everything: age attestation, active sessions and the access log, newest first', async () => {
      const r = await as('privacy_officer', 'get', `/admin/users/${alice.id}`).expect(200);
      expect(Object.keys(r.body).sort()).toEqual([...USER_SUPPORT_FIELDS, ...USER_PRIVACY_FIELDS].sort());
      expect(r.body.ageConfirmedAt).toEqual(expect.any(String));
      expect(r.body.activeSessions).toBe(1);
      expect(r.body.accessLog).toEqual([
        { id: expect.any(String), event: 'login', ip: '2001:db8::42', deviceType: 'mobile', browser: expect.stringMatching(/Safari/), os: expect.stringMatching(/iOS/), createdAt: expect.any(String) },
        { id: expect.any(String), event: 'login', ip: '203.0.113.7', deviceType: 'desktop', browser: expect.stringMatching(/Firefox/), os: expect.stringMatching(/Windows/), createdAt: expect.any(String) },
      ]);
      // The raw user agent stays in the table: device, browser and OS are what the console needs.
      expect(r.text).not.toContain('Mozilla/5.0');
    });

    it('projects list rows too: support agents get no privacy field, privacy officers the stored ones (no access log in lists)', async () => {
      const filter = { q: 'alice@detail' };
      const agent = await list('support_agent', { filter }).expect(200);
      expect(agent.body).toHaveLength(1);
      expect(Object.keys(agent.body[0]).sort()).toEqual([...USER_SUPPORT_FIELDS].sort());
      const officer = await list('privacy_officer', { filter }).expect(200);
      expect(Object.keys(officer.body[0]).sort()).toEqual([...USER_SUPPORT_FIELDS, 'ageConfirmedAt'].sort());
    });

    it('refuses auditors (403), end users and anonymous callers (401)', async () => {
      for (const path of ['/admin/users', `/admin/users/${alice.id}`]) {
        expect((await as('auditor', 'get', path).expect(403)).body.code).toBe('FORBIDDEN');
        expect((await as('anonymous', 'get', path).expect(401)).body.code).toBe('UNAUTHENTICATED');
        const endUser = await userWithToken(t.app, 'someone@detail.example.test');
        await request(t.server).get(path).set('Authorization', `Bearer ${endUser.token}`).expect(401);
      }
    });

    it('answers 404 for an unknown user or a malformed id', async () => {
      expect((await as('privacy_officer', 'get', `/admin/users/${randomUUID()}`).expect(404)).body.code).toBe('NOT_FOUND');
      await as('privacy_officer', 'get', '/admin/users/not-a-uuid').expect(404);
    });
  });

  describe('lists', () => {
    const people: Record<string, UserEntity> = {};
    const byEmail = (rows: UserAdminView[]): string[] => rows.map((u) => u.email ?? '');

    beforeAll(async () => {
      people.ann = await createUser('ann@list.example.test', 'Ann Archer', 'FR', { createdAt: '2026-01-05T10:00:00Z' });
      people.ben = await createUser('ben@list.example.test', 'Ben Baker', 'US-CA', { status: 'restricted', createdAt: '2026-02-05T10:00:00Z' });
      people.cat = await createUser('cat@list.example.test', 'Cat 100%_Real', 'FR', { status: 'suspended', createdAt: '2026-03-05T10:00:00Z' });
      people.dan = await createUser('dan@list.example.test', 'Dan Dare', 'DE', { status: 'pending_deletion', createdAt: '2026-04-05T10:00:00Z' });
    });

    it('pages and sorts with Content-Range, newest first by default', async () => {
      const all = await list('support_agent', { filter: { q: '@list.example' } }).expect(200);
      expect(all.headers['content-range']).toBe('users 0-3/4');
      expect(byEmail(all.body)).toEqual(['dan@list.example.test', 'cat@list.example.test', 'ben@list.example.test', 'ann@list.example.test']);
      const page = await list('support_agent', { filter: { q: '@list.example' }, sort: ['email', 'ASC'], range: [1, 2] }).expect(200);
      expect(page.headers['content-range']).toBe('users 1-2/4');
      expect(byEmail(page.body)).toEqual(['ben@list.example.test', 'cat@list.example.test']);
    });

    it('finds users by part of their email or name, in any case, with LIKE wildcards taken literally', async () => {
      expect(byEmail((await list('support_agent', { filter: { q: 'BEN@LIST' } }).expect(200)).body)).toEqual(['ben@list.example.test']);
      expect(byEmail((await list('support_agent', { filter: { q: 'archer' } }).expect(200)).body)).toEqual(['ann@list.example.test']);
      expect(byEmail((await list('support_agent', { filter: { q: '100%_' } }).expect(200)).body)).toEqual(['cat@list.example.test']);
      // A bare % or _ would match everyone as a wildcard; taken literally, only Cat's name holds them.
      for (const q of ['%', '_']) expect(byEmail((await list('support_agent', { filter: { q } }).expect(200)).body)).toEqual(['cat@list.example.test']);
    });

    it('filters by status (one or a list), region and creation time', async () => {
      const scope = { q: '@list.example' };
      expect(byEmail((await list('support_agent', { filter: { ...scope, status: 'restricted' } }).expect(200)).body)).toEqual(['ben@list.example.test']);
      expect(byEmail((await list('support_agent', { filter: { ...scope, status: ['suspended', 'pending_deletion'] }, sort: ['email', 'ASC'] }).expect(200)).body)).toEqual([
        'cat@list.example.test',
        'dan@list.example.test',
      ]);
      expect(byEmail((await list('support_agent', { filter: { ...scope, region: 'fr' }, sort: ['email', 'ASC'] }).expect(200)).body)).toEqual([
        'ann@list.example.test',
        'cat@list.example.test',
      ]);
      const range = await list('support_agent', { filter: { ...scope, createdFrom: '2026-02-05T10:00:00Z', createdBefore: '2026-04-05T10:00:00Z' }, sort: ['createdAt', 'ASC'] }).expect(200);
      expect(byEmail(range.body)).toEqual(['ben@list.example.test', 'cat@list.example.test']);
    });

    it('answers getMany (filter by a list of ids) with exactly those users', async () => {
      const r = await list('support_agent', { filter: { id: [people.ann!.id, people.dan!.id, randomUUID()] }, sort: ['email', 'ASC'] }).expect(200);
      expect(byEmail(r.body)).toEqual(['ann@list.example.test', 'dan@list.example.test']);
      expect(r.headers['content-range']).toBe('users 0-1/2');
      expect((await list('support_agent', { filter: { id: [] } }).expect(200)).body).toEqual([]);
      expect(byEmail((await list('support_agent', { filter: { id: people.ben!.id } }).expect(200)).body)).toEqual(['ben@list.example.test']);
    });

    it('answers bad list parameters with 422 naming each one', async () => {
      const sortRange = await as('support_agent', 'get', '/admin/users').query({ sort: '["ageConfirmedAt","ASC"]', range: '[5,1]' }).expect(422);
      expect(Object.keys(sortRange.body.errors).sort()).toEqual(['range', 'sort']);
      const unknown = await list('support_agent', { filter: { ip: '203.0.113.7' } }).expect(422);
      expect(unknown.body.errors.filter).toMatch(/Filtering by ip is not supported/);
      const values = await list('support_agent', { filter: { id: 'nope', status: 'asleep', region: 'Atlantis', createdFrom: 'soon' } }).expect(422);
      expect(Object.keys(values.body.errors).sort()).toEqual(['filter.createdFrom', 'filter.id', 'filter.region', 'filter.status']);
      await as('support_agent', 'get', '/admin/users').query({ filter: '{not json' }).expect(422);
    });
  });

  describe('SQL filtering from the caller’s rules', () => {
    let service: UsersAdminService;
    let repo: Repository<UserEntity>;
    const query = (filter: Record<string, unknown> = {}, sort = '["email","ASC"]') => parseListQuery({ filter: JSON.stringify(filter), sort }, USER_LIST_RULES);

    beforeAll(() => {
      service = t.app.get(UsersAdminService);
      repo = t.app.get<Repository<UserEntity>>(getRepositoryToken(UserEntity));
    });
    afterEach(() => jest.restoreAllMocks());

    it('answers a caller whose rules allow no user an empty page without querying the database', async () => {
      const queries = jest.spyOn(repo, 'createQueryBuilder');
      const nothingOnUsers: PermissionRule[][] = [[], [{ action: 'read', subject: 'User', inverted: true }], [{ action: 'read', subject: 'Staff' }]];
      for (const rules of nothingOnUsers) {
        const page = await service.list(query(), abilityFromRules(rules));
        expect(page).toEqual(new ListPage('users', [], 0, 0));
      }
      expect(queries).not.toHaveBeenCalled();
    });

    it('keeps only the rows the rules allow, with the total counted under the same condition', async () => {
      const ability = abilityFromRules([
        { action: 'read', subject: 'User', conditions: { status: { $in: ['restricted', 'suspended'] } } },
        { action: 'read', subject: 'User', inverted: true, conditions: { region: 'US-CA' } },
      ]);
      const page = await service.list(query({ q: '@list.example' }), ability);
      expect(page.items.map((u) => u.email)).toEqual(['cat@list.example.test']);
      expect(page.total).toBe(1);
    });

    it('refuses to sort or filter by a field the caller may not read', async () => {
      const ability = abilityFromRules([{ action: 'read', subject: 'User', fields: ['id', 'status'] }]);
      await expect(service.list(query({}, '["email","ASC"]'), ability)).rejects.toThrow(ForbiddenActionException);
      await expect(service.list(query({ q: 'ann' }, '["status","ASC"]'), ability)).rejects.toThrow(/email, displayName/);
      const page = await service.list(query({ status: 'suspended' }, '["status","ASC"]'), ability);
      expect(page.items.length).toBeGreaterThan(0);
      for (const item of page.items) expect(item).toEqual({ id: expect.any(String), status: 'suspended' });
    });
  });

  describe('audited reads', () => {
    it('records every detail read with the field groups it returned, per role', async () => {
      const before = (await auditEntries('user.read', alice.id)).length;
      await as('support_agent', 'get', `/admin/users/${alice.id}`).set('X-Request-Id', 'req-users-read-1').expect(200);
      await as('privacy_officer', 'get', `/admin/users/${alice.id}`).expect(200);
      const [agentRead, officerRead] = (await auditEntries('user.read', alice.id)).slice(before);
      expect(agentRead).toMatchObject({
        actor_id: staffIds.support_agent,
        actor_role: 'support_agent',
        subject_type: 'user',
        subject_id: alice.id,
        details: { fieldGroups: ['profile'] },
      });
      expect(officerRead).toMatchObject({
        actor_id: staffIds.privacy_officer,
        actor_role: 'privacy_officer',
        details: { fieldGroups: ['profile', 'age_confirmation', 'sessions', 'access_log'], accessLogEntries: 2 },
      });
      const [{ request_id: requestId }] = (await ds.query('SELECT request_id FROM audit_log WHERE sequence = $1', [agentRead?.sequence])) as Array<{ request_id: string }>;
      expect(requestId).toBe('req-users-read-1');
    });

    it('records nothing for list reads, refused reads (403) or unknown users (404)', async () => {
      const before = await auditEntries('user.read');
      await list('privacy_officer', { filter: { q: 'alice' } }).expect(200);
      await list('privacy_officer', { filter: { id: [alice.id] } }).expect(200);
      await as('auditor', 'get', `/admin/users/${alice.id}`).expect(403);
      await as('privacy_officer', 'get', `/admin/users/${randomUUID()}`).expect(404);
      expect(await auditEntries('user.read')).toEqual(before);
    });

    it('answers no data when the read cannot be recorded', async () => {
      jest.spyOn(t.app.get(AuditService), 'record').mockRejectedValueOnce(new Error('the audit log is unavailable'));
      const r = await as('privacy_officer', 'get', `/admin/users/${alice.id}`).expect(500);
      expect(r.text).not.toContain(alice.email);
      jest.restoreAllMocks();
    });

    it('records reads of an outbox message (recipient and body) as notification.read, and not list reads or 404s', async () => {
      const id = await t.app.get(NotificationsService).enqueue({
        kind: 'test.notice',
        class: 'service_critical',
        to: alice.email,
        userId: alice.id,
        subject: 'About your account',
        text: 'Hello Alice.',
      });
      const before = (await auditEntries('notification.read')).length;
      await as('admin', 'get', '/admin/notifications').expect(200);
      await as('admin', 'get', `/admin/notifications/${randomUUID()}`).expect(404);
      expect(await auditEntries('notification.read')).toHaveLength(before);
      const r = await as('privacy_officer', 'get', `/admin/notifications/${id}`).expect(200);
      expect(r.body).toMatchObject({ to: alice.email, text: 'Hello Alice.' });
      const [entry] = (await auditEntries('notification.read')).slice(before);
      expect(entry).toMatchObject({
        actor_id: staffIds.privacy_officer,
        actor_role: 'privacy_officer',
        subject_type: 'notification',
        subject_id: id,
        details: { kind: 'test.notice', recipientUserId: alice.id, bodyShown: true },
      });
    });

    it('never puts an email address or IP in an audit entry’s details, nor in a log line', async () => {
      const details: Array<{ details: unknown }> = await ds.query(`SELECT details FROM audit_log`);
      const text = JSON.stringify(details);
      const logs = JSON.stringify(t.logs);
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
        expect(logs).not.toContain(secret);
      }
    });
  });

  describe('restriction of processing', () => {
    const reason = 'Art. 18 request PR-2026-0042: the user contests the accuracy of their data.';

    it('lets a privacy officer restrict an active user, audited with before, after and reason', async () => {
      const bea = await createUser('bea@restrict.example.test', 'Bea', 'FR');
      const r = await as('privacy_officer', 'post', `/admin/users/${bea.id}/restrict`).send({ reason: `  ${reason}  ` }).expect(200);
      expect(r.body).toMatchObject({ id: bea.id, status: 'restricted' });
      expect(r.body).not.toHaveProperty('accessLog');
      expect(await statusOf(bea.id)).toBe('restricted');
      const [entry] = await auditEntries('user.restrict', bea.id);
      expect(entry).toMatchObject({ actor_id: staffIds.privacy_officer, actor_role: 'privacy_officer', subject_type: 'user', details: { before: { status: 'active' }, after: { status: 'restricted' }, reason } });
      expect((await list('support_agent', { filter: { q: 'bea@restrict', status: 'restricted' } }).expect(200)).body).toHaveLength(1);
    });

    it('lifts the restriction, emails the user in the same transaction and audits it; repeating either change is a 409', async () => {
      const cy = await createUser('cy@restrict.example.test', 'Cy', 'FR');
      await as('privacy_officer', 'post', `/admin/users/${cy.id}/restrict`).send({ reason }).expect(200);
      const again = await as('privacy_officer', 'post', `/admin/users/${cy.id}/restrict`).send({ reason }).expect(409);
      expect(again.body).toMatchObject({ code: 'STATUS_CHANGE_NOT_ALLOWED', message: 'The account is already restricted.' });

      const lifted = await as('privacy_officer', 'post', `/admin/users/${cy.id}/unrestrict`).send({ reason: 'Accuracy verified under PR-2026-0042.' }).expect(200);
      expect(lifted.body).toMatchObject({ id: cy.id, status: 'active' });
      const [entry] = await auditEntries('user.unrestrict', cy.id);
      expect(entry?.details).toEqual({ before: { status: 'restricted' }, after: { status: 'active' }, reason: 'Accuracy verified under PR-2026-0042.', notificationId: expect.any(String) });
      const [notice] = (await ds.query('SELECT id, kind, class, recipient, user_id FROM notifications WHERE id = $1', [entry?.details.notificationId])) as Array<Record<string, unknown>>;
      expect(notice).toEqual({ id: entry?.details.notificationId, kind: 'privacy.restriction_lifted', class: 'service_critical', recipient: cy.email, user_id: cy.id });

      const twice = await as('privacy_officer', 'post', `/admin/users/${cy.id}/unrestrict`).send({ reason }).expect(409);
      expect(twice.body).toMatchObject({ code: 'STATUS_CHANGE_NOT_ALLOWED', message: 'The account is already active.' });
    });

    it('refuses the transitions that belong to later issues with 409 STATUS_CHANGE_NOT_ALLOWED, changing nothing', async () => {
      const cases = [
        ['suspended', 'restrict'],
        ['pending_deletion', 'restrict'],
        ['terminated', 'unrestrict'],
        ['deleted', 'unrestrict'],
      ] as const;
      for (const [status, change] of cases) {
        const user = await createUser(`${status}.${change}@restrict.example.test`, status, 'FR', { status });
        const r = await as('privacy_officer', 'post', `/admin/users/${user.id}/${change}`).send({ reason }).expect(409);
        expect(r.body.code).toBe('STATUS_CHANGE_NOT_ALLOWED');
        expect(r.body.message).toContain(`this one is ${status}`);
        expect(await statusOf(user.id)).toBe(status);
        expect(await auditEntries(`user.${change}`, user.id)).toEqual([]);
      }
    });

    it('refuses support agents, admins and auditors with 403 and changes nothing', async () => {
      const dee = await createUser('dee@restrict.example.test', 'Dee', 'FR');
      for (const role of ['support_agent', 'admin', 'auditor'] as const) {
        for (const change of ['restrict', 'unrestrict']) {
          const r = await as(role, 'post', `/admin/users/${dee.id}/${change}`).send({ reason }).expect(403);
          expect(r.body.code).toBe('FORBIDDEN');
        }
      }
      expect(await statusOf(dee.id)).toBe('active');
      expect([...(await auditEntries('user.restrict', dee.id)), ...(await auditEntries('user.unrestrict', dee.id))]).toEqual([]);
    });

    it('asks for a reason without email addresses (422), and answers 404 for an unknown user', async () => {
      const eve = await createUser('eve@restrict.example.test', 'Eve', 'FR');
      const missing = await as('privacy_officer', 'post', `/admin/users/${eve.id}/restrict`).send({}).expect(422);
      expect(missing.body.errors).toHaveProperty('reason');
      const withEmail = await as('privacy_officer', 'post', `/admin/users/${eve.id}/restrict`).send({ reason: 'Asked by eve@restrict.example.test' }).expect(422);
      expect(withEmail.body.errors.reason).toMatch(/email address/);
      const extra = await as('privacy_officer', 'post', `/admin/users/${eve.id}/restrict`).send({ reason, status: 'deleted' }).expect(422);
      expect(extra.body.errors).toHaveProperty('status');
      await as('privacy_officer', 'post', `/admin/users/${eve.id}/restrict`).send({ reason: 'no' }).expect(422);
      expect(await statusOf(eve.id)).toBe('active');
      expect((await as('privacy_officer', 'post', `/admin/users/${randomUUID()}/restrict`).send({ reason }).expect(404)).body.code).toBe('NOT_FOUND');
    });

    it('rolls the status change back when its audit entry cannot be written', async () => {
      const fay = await createUser('fay@restrict.example.test', 'Fay', 'FR', { status: 'restricted' });
      jest.spyOn(t.app.get(AuditService), 'record').mockRejectedValueOnce(new Error('the audit log is unavailable'));
      await as('privacy_officer', 'post', `/admin/users/${fay.id}/unrestrict`).send({ reason }).expect(500);
      jest.restoreAllMocks();
      expect(await statusOf(fay.id)).toBe('restricted');
      expect(await ds.query('SELECT 1 FROM notifications WHERE user_id = $1', [fay.id])).toEqual([]);
    });

    it('applies one of two simultaneous restrictions and refuses the other', async () => {
      const gus = await createUser('gus@restrict.example.test', 'Gus', 'FR');
      const statuses = await Promise.all([0, 1].map(() => as('privacy_officer', 'post', `/admin/users/${gus.id}/restrict`).send({ reason }).then((r) => r.status)));
      expect(statuses.sort()).toEqual([200, 409]);
      expect(await auditEntries('user.restrict', gus.id)).toHaveLength(1);
    });
  });
});
