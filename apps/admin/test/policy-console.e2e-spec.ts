// The console's policy pages in Chromium: a privacy officer compares a significant draft with the
// version in force, publishes it, the notice appears on /v1/notices and the email campaign to
// every active account completes in the outbox (real SMTP peer); and a user's consent timeline and
// Global Privacy Control status on their page.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { StaffService } from '../../api/src/identity/staff.service';
import { UserAuthService } from '../../api/src/identity/user-auth.service';
import { UsersService } from '../../api/src/identity/users.service';
import { SmtpPeer } from '../../api/test/support/smtp-peer';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { issueStaffToken } from '../../api/test/support/tokens';
import { buildConsole, signIn, signInAndOpen, useChromium } from './support/browser';

jest.setTimeout(120_000);

const PASSWORD = 'correct horse battery staple';
const OFFICER = { email: 'priya.policy@soar2.test', name: 'Priya Policy' };
const READERS = ['ada.reader@example.test', 'ben.reader@example.test', 'cy.reader@example.test'];

describe('console: policy versions, notices and campaigns', () => {
  let outDir: string;
  let peer: SmtpPeer;
  let t: TestApp;
  let draftId: string;
  let gpcUserId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-policy-'));
    await buildConsole(outDir);
    peer = await SmtpPeer.start();
    t = await startTestApp({
      env: { ADMIN_DIST_DIR: outDir, SMTP_URL: peer.url, OUTBOX_POLL_MS: '50', POLICY_CAMPAIGN_BATCH_SIZE: '1', POLICY_CAMPAIGN_INTERVAL_SECONDS: '0' },
    });
    await t.app.get(StaffService).ensure(OFFICER.email, OFFICER.name, 'privacy_officer', PASSWORD);
    const [{ id: officerId }] = (await t.app.get(DataSource).query('SELECT id FROM staff WHERE email = $1', [OFFICER.email])) as [{ id: string }];
    const users = t.app.get(UsersService);
    for (const email of READERS) await users.ensure(email, email.split('.')[0] ?? 'reader', 'EU');
    gpcUserId = (await users.ensure('gina.gpc@example.test', 'Gina GPC', 'US-CA')).id;
    const token = await issueStaffToken(t.app, officerId);
    const draft = await request(t.server)
      .post('/admin/policy-versions')
      .set('Authorization', `Bearer ${token}`)
      .send({
        version: '2.0',
        title: 'Privacy Policy',
        significant: true,
        summaryOfChanges: 'We now keep generated videos for 60 days after a subscription ends.',
        body: '# Privacy Policy (summary)\n\nGenerated videos are kept for 60 days after a subscription ends.\n',
      })
      .expect(201);
    draftId = draft.body.id as string;
  });

  afterAll(async () => {
    await t?.close();
    await peer?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('policy console e2e', (tab) => ({ page } = tab))) return;

    it('publishes a significant version: the notice is on /v1/notices and the campaign completes in the outbox', async () => {
      await signIn(page, t.url, OFFICER.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Policy versions' }).click();
      await page.locator('table').getByText('2.0').click();
      await page.getByRole('heading', { name: 'Changes compared with' }).waitFor();
      const diff = page.getByTestId('version-diff');
      await diff.locator('ins').first().waitFor();
      expect(await diff.locator('ins').first().innerText()).toContain('+ Generated videos are kept for 60 days');

      await page.getByRole('button', { name: 'Publish' }).click();
      const dialog = page.getByRole('dialog', { name: 'Publish version 2.0' });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Publish' }).click();
      await page.getByText('Version published.').waitFor();
      await page.getByText('published', { exact: true }).first().waitFor();

      const notices = (await request(t.server).get('/v1/notices').expect(200)).body as Array<{ kind: string; policyVersion: string; title: string }>;
      expect(notices).toEqual([expect.objectContaining({ kind: 'policy_change', policyVersion: '2.0' })]);

      await page.getByRole('menuitem', { name: 'Notice campaigns' }).click();
      await page.getByText(`${READERS.length + 1} of ${READERS.length + 1} sent`).waitFor({ timeout: 60_000 });
      await page.locator('table').getByText('completed').waitFor();

      const outbox = (await t.app.get(DataSource).query(`SELECT recipient, status, class FROM notifications WHERE kind = 'policy.change_notice' ORDER BY recipient`)) as Array<{
        recipient: string;
        status: string;
        class: string;
      }>;
      expect(outbox).toEqual([...READERS, 'gina.gpc@example.test'].sort().map((recipient) => ({ recipient, status: 'sent', class: 'service_critical' })));
      for (const email of READERS) expect(peer.messagesTo(email).map((m) => m.parsed.subject)).toEqual([expect.stringMatching(/^Changes to our Privacy Policy/)]);

      // Published: the API refuses edits, and the page offers none.
      expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
      const row = (await t.app.get(DataSource).query(`SELECT status FROM policy_versions WHERE id = $1`, [draftId])) as Array<{ status: string }>;
      expect(row[0]?.status).toBe('published');
    });

    it('shows a user’s consent timeline and that Global Privacy Control was honoured', async () => {
      const { token } = await t.app.get(UserAuthService).createSession(gpcUserId);
      await new Promise<void>((resolve, reject) => {
        const url = new URL(`${t.url}/v1/me/preferences`);
        const req = httpRequest(url, { headers: ['Host', url.host, 'Authorization', `Bearer ${token}`, 'Sec-GPC', '1'] }, (res) => {
          res.resume();
          res.on('end', () => (res.headers['x-gpc-honored'] === '1' ? resolve() : reject(new Error('GPC not honoured'))));
        });
        req.on('error', reject);
        req.end();
      });

      await signInAndOpen(page, t.url, OFFICER.email, PASSWORD, `#/users/${gpcUserId}/show`);
      await page.getByRole('heading', { name: 'Consents' }).waitFor();
      await page.getByTestId('gpc-status').getByText(/Global Privacy Control honoured since/).waitFor();
      const timeline = page.getByRole('list', { name: 'Consent timeline' });
      await timeline.getByText(/sale_sharing opted out \(gpc, policy \d+\.\d+\)/).waitFor();
    });
  });
});
