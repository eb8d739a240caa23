// Policy versions (drafts, immutable published versions), notices with acknowledgements, the
// throttled email campaign to every active account (pg-boss batches, real SMTP peer), and the
// sub-processor register.
import request from 'supertest';
import { DataSource } from 'typeorm';
import { PersonalDataRegistry, collectRecords } from '../src/personal-data/personal-data.registry';
import { SmtpPeer } from './support/smtp-peer';
import { TestApp, startTestApp } from './support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from './support/tokens';

jest.setTimeout(90_000);

interface Campaign {
  state: string;
  total: number;
  enqueued: number;
  batches: number;
  sent: number;
  failed: number;
  pending: number;
}

describe('policy versions, notices, campaigns and sub-processors', () => {
  let peer: SmtpPeer;
  let t: TestApp;
  let ds: DataSource;
  let officer: string;
  let officerId: string;

  beforeAll(async () => {
    peer = await SmtpPeer.start();
    t = await startTestApp({ env: { SMTP_URL: peer.url, OUTBOX_POLL_MS: '20', POLICY_CAMPAIGN_BATCH_SIZE: '2', POLICY_CAMPAIGN_INTERVAL_SECONDS: '0' } });
    ds = t.app.get(DataSource);
    officerId = await ensureStaff(t.app, 'privacy_officer');
    officer = await issueStaffToken(t.app, officerId);
  });

  afterAll(async () => {
    await t?.close();
    await peer?.close();
  });

  const asOfficer = (r: request.Test): request.Test => r.set('Authorization', `Bearer ${officer}`);

  async function waitForCampaign(id: string): Promise<Campaign> {
    const deadline = Date.now() + 60_000;
    let c: Campaign | undefined;
    while (Date.now() < deadline) {
      c = (await asOfficer(request(t.server).get(`/admin/notice-campaigns/${id}`)).expect(200)).body as Campaign;
      if (c.state === 'completed') return c;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`campaign ${id} never completed; last seen ${JSON.stringify(c)}`);
  }

  it('serves the seeded policy in force with its Last Updated date, its versions and the sub-processors', async () => {
    const current = await request(t.server).get('/v1/policy').expect(200);
    expect(current.body).toMatchObject({ version: '1.0', title: 'Privacy Policy', status: 'published', significant: false });
    expect(current.body.lastUpdated).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(current.body.body).toContain('# Privacy Policy (summary)');
    const versions = await request(t.server).get('/v1/policy/versions').expect(200);
    expect((versions.body as Array<{ version: string }>).map((v) => v.version)).toEqual(['1.0']);
    const subs = await request(t.server).get('/v1/policy/subprocessors').expect(200);
    expect((subs.body as Array<{ name: string }>).map((s) => s.name)).toEqual(expect.arrayContaining(['OpenAI', 'Stripe']));
    expect(subs.body[0]).toEqual(expect.objectContaining({ purpose: expect.any(String), dataCategories: expect.any(Array), location: expect.any(String), agreementDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) }));
  });

  it('refuses a past effective date, then publishes a significant version: notice, and a batched campaign to every active account', async () => {
    const active = [];
    for (let i = 0; i < 5; i += 1) active.push(await userWithToken(t.app, `reader${i}@example.test`));
    const suspended = await userWithToken(t.app, 'suspended.reader@example.test');
    await ds.query(`UPDATE users SET status = 'suspended' WHERE id = $1`, [suspended.id]);

    const draft = await asOfficer(request(t.server).post('/admin/policy-versions'))
      .send({ version: '2.0', title: 'Privacy Policy', body: '# Privacy Policy\n\nNew analytics provider.', summaryOfChanges: 'We now use an analytics provider.', significant: true })
      .expect(201);
    expect(draft.body).toMatchObject({ status: 'draft', effectiveAt: null, lastUpdated: null });
    const id = draft.body.id as string;
    await asOfficer(request(t.server).put(`/admin/policy-versions/${id}`)).send({ body: '# Privacy Policy\n\nNew analytics provider, EU hosted.' }).expect(200);

    const noDate = await asOfficer(request(t.server).post(`/admin/policy-versions/${id}/publish`)).send({}).expect(422);
    expect(noDate.body.errors).toHaveProperty('effectiveAt');
    const past = await asOfficer(request(t.server).post(`/admin/policy-versions/${id}/publish`)).send({ effectiveAt: '2020-01-01T00:00:00Z' }).expect(422);
    expect(past.body.errors.effectiveAt).toMatch(/past/);
    expect(((await request(t.server).get('/v1/notices').expect(200)).body as unknown[]).length).toBe(0);

    const published = await asOfficer(request(t.server).post(`/admin/policy-versions/${id}/publish`)).send({ effectiveAt: new Date().toISOString() }).expect(200);
    expect(published.body).toMatchObject({ status: 'published', version: '2.0' });
    expect(published.body.campaignId).toEqual(expect.any(String));

    const notices = (await request(t.server).get('/v1/notices').expect(200)).body as Array<{ id: string; kind: string; policyVersion: string; startsAt: string; endsAt: string }>;
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ kind: 'policy_change', policyVersion: '2.0' });
    expect(Date.parse(notices[0]!.endsAt)).toBeGreaterThan(Date.parse(notices[0]!.startsAt));
    expect((await request(t.server).get('/v1/policy').expect(200)).body.version).toBe('2.0');

    const campaign = await waitForCampaign(published.body.campaignId as string);
    expect(campaign).toMatchObject({ state: 'completed', total: 5, enqueued: 5, batches: 3, sent: 5, failed: 0, pending: 0 });
    for (const u of active) {
      const mails = peer.messagesTo(`reader${active.indexOf(u)}@example.test`);
      expect(mails.map((m) => m.parsed.subject)).toEqual([expect.stringMatching(/^Changes to our Privacy Policy/)]);
    }
    expect(peer.rcptCount('suspended.reader@example.test')).toBe(0);
    const classes = (await ds.query(`SELECT DISTINCT class FROM notifications WHERE kind = 'policy.change_notice'`)) as Array<{ class: string }>;
    expect(classes).toEqual([{ class: 'service_critical' }]);

    // Acknowledgement: recorded once, idempotent, exported as personal data.
    const reader = active[0]!;
    const ack = await request(t.server).post(`/v1/notices/${notices[0]!.id}/acknowledge`).set('Authorization', `Bearer ${reader.token}`).expect(200);
    const again = await request(t.server).post(`/v1/notices/${notices[0]!.id}/acknowledge`).set('Authorization', `Bearer ${reader.token}`).expect(200);
    expect(again.body.acknowledgedAt).toBe(ack.body.acknowledgedAt);
    await request(t.server).post(`/v1/notices/${notices[0]!.id}/acknowledge`).expect(401);
    const missing = await request(t.server).post('/v1/notices/00000000-0000-4000-8000-000000000000/acknowledge').set('Authorization', `Bearer ${reader.token}`).expect(404);
    expect(missing.body.code).toBe('NOTICE_NOT_FOUND');
    const source = t.app.get(PersonalDataRegistry).get('policy.acknowledgements');
    if (!source) throw new Error('policy.acknowledgements is not registered');
    const records = await collectRecords(source, { userId: reader.id });
    expect(records.map((r) => r.data.type)).toEqual(['acknowledgement', 'notice_email']);
    expect(await source.erase({ userId: reader.id })).toEqual({ deleted: 2, anonymised: 0, retained: [] });
    expect(await source.erase({ userId: reader.id })).toEqual({ deleted: 0, anonymised: 0, retained: [] });
  });

  it('never changes a published version: the API answers POLICY_VERSION_PUBLISHED and the database refuses too', async () => {
    const [{ id }] = (await ds.query(`SELECT id FROM policy_versions WHERE version = '1.0'`)) as [{ id: string }];
    const edit = await asOfficer(request(t.server).put(`/admin/policy-versions/${id}`)).send({ title: 'Changed' }).expect(409);
    expect(edit.body.code).toBe('POLICY_VERSION_PUBLISHED');
    expect((await asOfficer(request(t.server).delete(`/admin/policy-versions/${id}`)).expect(409)).body.code).toBe('POLICY_VERSION_PUBLISHED');
    expect((await asOfficer(request(t.server).post(`/admin/policy-versions/${id}/publish`)).send({}).expect(409)).body.code).toBe('POLICY_VERSION_PUBLISHED');
    await expect(ds.query(`UPDATE policy_versions SET title = 'Changed' WHERE id = $1`, [id])).rejects.toThrow(/cannot be changed/);
    const dup = await asOfficer(request(t.server).post('/admin/policy-versions')).send({ version: '1.0', title: 'x', body: 'y' }).expect(409);
    expect(dup.body.code).toBe('POLICY_VERSION_TAKEN');
    const bad = await asOfficer(request(t.server).post('/admin/policy-versions')).send({ version: 'not a version!', title: '', significant: 'yes', colour: 'red' }).expect(422);
    expect(Object.keys(bad.body.errors as object).sort()).toEqual(['body', 'colour', 'significant', 'title', 'version']);
  });

  it('manages the sub-processor register; adding one with notify announces it', async () => {
    const created = await asOfficer(request(t.server).post('/admin/subprocessors'))
      .send({ name: 'Helpdesk Co', purpose: 'Customer support tickets', dataCategories: ['email', 'ticket messages'], location: 'Ireland', agreementDate: '2026-11-01', notify: true })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'Helpdesk Co', agreementDate: '2026-11-01', noticeId: expect.any(String) });
    const notices = (await request(t.server).get('/v1/notices').expect(200)).body as Array<{ kind: string; title: string }>;
    expect(notices.map((n) => n.kind)).toContain('subprocessor_added');
    await asOfficer(request(t.server).put(`/admin/subprocessors/${created.body.id as string}`)).send({ location: 'Germany' }).expect(200);
    expect((await asOfficer(request(t.server).post('/admin/subprocessors')).send({ name: 'helpdesk co', purpose: 'x', location: 'y' }).expect(409)).body.code).toBe('SUBPROCESSOR_NAME_TAKEN');
    const list = await asOfficer(request(t.server).get('/admin/subprocessors')).query({ filter: JSON.stringify({ q: 'helpdesk' }) }).expect(200);
    expect(list.headers['content-range']).toBe('subprocessors 0-0/1');
    expect(list.body[0].location).toBe('Germany');
    await waitForCampaign(created.body.campaignId as string);

    const agentToken = await issueStaffToken(t.app, await ensureStaff(t.app, 'support_agent'));
    await request(t.server).get('/admin/subprocessors').set('Authorization', `Bearer ${agentToken}`).expect(403);
    await request(t.server).post('/admin/policy-versions').set('Authorization', `Bearer ${agentToken}`).send({ version: '9', title: 't', body: 'b' }).expect(403);
    const actions = (await ds.query(`SELECT action FROM audit_log WHERE actor_id = $1 ORDER BY sequence`, [officerId])) as Array<{ action: string }>;
    expect(actions.map((a) => a.action)).toEqual(['policy_version.create', 'policy_version.update', 'policy_version.publish', 'subprocessor.create', 'subprocessor.update']);
  });
});
