// The console's users and audit-log pages in Chromium: what each role sees of a person, restriction
// of processing, and verification of the audit chain (also after tampering behind the app's back).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AccessLogService } from '../../api/src/identity/access-log.service';
import { StaffService } from '../../api/src/identity/staff.service';
import { UsersService } from '../../api/src/identity/users.service';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { issueStaffToken } from '../../api/test/support/tokens';
import { ADMIN_DIR, buildConsole, signIn, useChromium } from './support/browser';

// Refreshed on demand (UPDATE_SCREENSHOTS=1 npx jest apps/admin), so an ordinary run leaves the tree clean.
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(ADMIN_DIR, '../../docs/screenshots/audit-log-verify.png')
    : path.join(tmpdir(), `soar2-audit-log-verify-${process.pid}.png`);

const PASSWORD = 'correct horse battery staple';
const AGENT = { email: 'sam.support@soar2.test', name: 'Sam Support' };
const OFFICER = { email: 'priya.privacy@soar2.test', name: 'Priya Privacy' };
const AUDITOR = { email: 'otto.auditor@soar2.test', name: 'Otto Auditor' };
const ROSA = { email: 'rosa.example@example.test', name: 'Rosa Example' };
const ROB = { email: 'rob.other@example.test', name: 'Rob Other' };
const ROSA_IP = '198.51.100.23';
const FIREFOX = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';

describe('console: users and audit log', () => {
  let outDir: string;
  let t: TestApp;
  let rosaId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-people-'));
    await buildConsole(outDir);
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir, PROCESS_ROLES: 'api' } });
    const staff = t.app.get(StaffService);
    await staff.ensure(AGENT.email, AGENT.name, 'support_agent', PASSWORD);
    await staff.ensure(OFFICER.email, OFFICER.name, 'privacy_officer', PASSWORD);
    await staff.ensure(AUDITOR.email, AUDITOR.name, 'auditor', PASSWORD);
    const users = t.app.get(UsersService);
    rosaId = (await users.ensure(ROSA.email, ROSA.name, 'FR')).id;
    await users.ensure(ROB.email, ROB.name, 'US-CA');
    await t.app.get(AccessLogService).record({ userId: rosaId, sessionId: null, event: 'login', client: { ip: ROSA_IP, userAgent: FIREFOX } });
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('people e2e', (tab) => ({ page } = tab))) return;

    async function userStatus(id: string): Promise<string | undefined> {
      const rows: Array<{ status: string }> = await t.app.get(DataSource).query('SELECT status FROM users WHERE id = $1', [id]);
      return rows[0]?.status;
    }

    it('lets a support agent find a user by email and see their email and status, but no access log', async () => {
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Users' }).click();
      const table = page.locator('table');
      await table.getByText(ROB.email).waitFor();

      await page.getByPlaceholder('Email or name').fill('rosa.example@');
      await table.getByText(ROB.email).waitFor({ state: 'detached' });
      expect(await table.locator('tbody tr').count()).toBe(1);
      await table.getByText(ROSA.email).click();

      await page.getByRole('heading', { name: ROSA.name }).waitFor();
      await page.getByLabel('Account status: Active').waitFor();
      expect(await page.getByText(ROSA.email).count()).toBeGreaterThan(0);
      expect(await page.getByRole('heading', { name: 'Access log' }).count()).toBe(0);
      expect(await page.getByText(ROSA_IP).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Restrict processing' }).count()).toBe(0);
    });

    it('shows a privacy officer the access log and lets them restrict processing, after which the status chip says so', async () => {
      await signIn(page, t.url, OFFICER.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Users' }).waitFor();
      await page.goto(`${t.url}/#/users/${rosaId}/show`);
      await page.getByRole('heading', { name: 'Access log' }).waitFor();
      const accessLog = page.locator('section[aria-labelledby="user-access-log"]');
      await accessLog.getByText(ROSA_IP).waitFor();
      expect(await accessLog.textContent()).toMatch(/Firefox/);
      await page.getByLabel('Account status: Active').waitFor();

      await page.getByRole('button', { name: 'Restrict processing' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox', { name: 'Reason' }).fill('Art. 18 request PR-2026-0042: accuracy contested.');
      await dialog.getByRole('button', { name: 'Restrict', exact: true }).click();

      await page.getByLabel('Account status: Restricted').waitFor();
      await page.getByRole('button', { name: 'Lift restriction' }).waitFor();
      expect(await page.getByRole('button', { name: 'Restrict processing' }).count()).toBe(0);
      expect(await userStatus(rosaId)).toBe('restricted');
    });

    it('shows an auditor the user.read entries, verifies the chain, and names the broken entry after a row is altered behind the app’s back', async () => {
      // A detail read of its own, so this test does not depend on the others having run.
      const agentId = ((await t.app.get(DataSource).query('SELECT id FROM staff WHERE email = $1', [AGENT.email])) as Array<{ id: string }>)[0]?.id ?? '';
      const token = await issueStaffToken(t.app, agentId);
      await request(t.server).get(`/admin/users/${rosaId}`).set('Authorization', `Bearer ${token}`).expect(200);
      const [read] = (await t.app.get(DataSource).query(`SELECT sequence FROM audit_log WHERE action = 'user.read' ORDER BY sequence DESC LIMIT 1`)) as Array<{ sequence: string }>;

      await signIn(page, t.url, AUDITOR.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Audit log' }).click();
      await page.getByRole('textbox', { name: 'Action' }).fill('user.read');
      const table = page.locator('table');
      await table.getByText('staff.login').first().waitFor({ state: 'detached' });
      await table.locator('tbody tr').filter({ has: page.getByRole('cell', { name: String(read?.sequence), exact: true }) }).waitFor();
      const rows = await table.locator('tbody tr').allTextContents();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row).toContain('user.read');
      expect(rows.join('\n')).toContain(`user · ${rosaId}`);

      await table.locator('tbody tr').filter({ has: page.getByRole('cell', { name: String(read?.sequence), exact: true }) }).click();
      const details = page.getByTestId('audit-details');
      await details.waitFor();
      expect(JSON.parse((await details.textContent()) ?? '')).toEqual({ fieldGroups: ['profile'] });
      expect(await details.textContent()).toContain('\n  "fieldGroups": [\n');
      await page.goBack();
      await table.locator('tbody tr').first().waitFor();

      const [head] = (await t.app.get(DataSource).query('SELECT last_sequence FROM audit_chain_head')) as Array<{ last_sequence: string }>;
      await page.getByRole('button', { name: 'Verify chain' }).click();
      const valid = page.locator('[data-verdict="valid"]');
      await valid.waitFor();
      expect(await valid.textContent()).toContain(`All ${head?.last_sequence} entries are intact`);

      const attacker = new Client({ connectionString: t.db.url });
      await attacker.connect();
      try {
        await attacker.query('BEGIN');
        await attacker.query('ALTER TABLE audit_log DISABLE TRIGGER ALL');
        await attacker.query(`UPDATE audit_log SET details = '{"fieldGroups":["nothing"]}' WHERE sequence = $1`, [read?.sequence]);
        await attacker.query('ALTER TABLE audit_log ENABLE TRIGGER ALL');
        await attacker.query('COMMIT');
      } finally {
        await attacker.end();
      }

      await page.getByRole('button', { name: 'Verify chain' }).click();
      const broken = page.locator('[data-verdict="broken"]');
      await broken.waitFor();
      expect(await broken.getAttribute('role')).toBe('alert');
      const text = await broken.textContent();
      expect(text).toContain(`The chain is broken at entry ${read?.sequence}`);
      expect(text).toContain('hash_mismatch');

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    });
  });
});
