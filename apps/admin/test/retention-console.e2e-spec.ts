// The console's retention pages in Chromium: a privacy officer places a legal hold on a user, sees
// it on the user's page and in a retention dry run, releases it, and reads a deletion certificate.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { StaffService } from '../../api/src/identity/staff.service';
import { UsersService } from '../../api/src/identity/users.service';
import { ErasureService } from '../../api/src/retention/erasure.service';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { UI_WAIT_MS, buildConsole, signIn, signInAndOpen, useChromium } from './support/browser';

const PASSWORD = 'correct horse battery staple';
const OFFICER = { email: 'pia.privacy@soar2.test', name: 'Pia Privacy' };
const HELD = { email: 'hedda.held@example.test', name: 'Hedda Held' };
const CHILD = { email: 'kid.account@example.test', name: 'Kid Account' };

describe('console: legal holds, retention and deletion certificates', () => {
  let outDir: string;
  let t: TestApp;
  let heldId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-retention-'));
    await buildConsole(outDir);
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir } });
    await t.app.get(StaffService).ensure(OFFICER.email, OFFICER.name, 'privacy_officer', PASSWORD);
    heldId = (await t.app.get(UsersService).ensure(HELD.email, HELD.name, 'FR')).id;
    await t.app.get(DataSource).query(`INSERT INTO access_log (user_id, event, ip, device_type, created_at) VALUES ($1, 'login', '203.0.113.5', 'desktop', now() - interval '120 days')`, [heldId]);
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('retention console e2e', (tab) => ({ page } = tab))) return;

    it('places a hold, shows it on the user and in a dry run, then releases it with a reason', async () => {
      await signIn(page, t.url, OFFICER.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Legal holds' }).click();
      await page.getByRole('link', { name: 'Create' }).click();
      await page.getByRole('combobox', { name: 'Scope' }).click();
      await page.getByRole('option', { name: 'User account' }).click();
      await page.getByRole('textbox', { name: 'User, ticket or job id' }).fill(heldId);
      await page.getByRole('textbox', { name: 'Reason' }).fill('Regulator inquiry: keep all records of this account.');
      await page.getByRole('textbox', { name: 'Requested by' }).fill('Data Protection Officer');
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Active', { exact: true }).waitFor({ timeout: UI_WAIT_MS });

      await page.goto(`${t.url}/#/users/${heldId}/show`);
      await page.getByText('1 legal hold covers this account', { exact: false }).waitFor({ timeout: UI_WAIT_MS });
      await page.getByText('Regulator inquiry: keep all records of this account.').waitFor();

      await page.getByRole('menuitem', { name: 'Retention policies' }).click();
      await page.getByText('access_logs', { exact: true }).click();
      await page.getByRole('button', { name: 'Preview (dry run)' }).click();
      const result = page.getByRole('status', { name: 'Preview result' });
      await result.waitFor({ timeout: UI_WAIT_MS });
      expect(await result.innerText()).toMatch(/1 record\(s\); 0 would go now,\s+1 kept by legal holds/);

      await page.getByRole('menuitem', { name: 'Legal holds' }).click();
      await page.locator('table').getByText('Regulator inquiry: keep all records of this account.').click();
      await page.getByRole('button', { name: 'Release hold' }).click();
      await page.getByRole('textbox', { name: 'Reason' }).fill('Inquiry closed by the regulator.');
      await page.getByRole('dialog').getByRole('button', { name: 'Release hold' }).click();
      await page.getByText('Released', { exact: true }).waitFor({ timeout: UI_WAIT_MS });
      const [hold] = await t.app.get(DataSource).query('SELECT release_reason FROM legal_holds WHERE scope_id = $1', [heldId]);
      expect(hold.release_reason).toBe('Inquiry closed by the regulator.');
    });

    it('shows a deletion certificate that names no one, with what was erased', async () => {
      const childId = (await t.app.get(UsersService).ensure(CHILD.email, CHILD.name, 'US-CA')).id;
      const erasures = t.app.get(ErasureService);
      const scheduled = await erasures.schedule({ userId: childId, child: true, reason: 'Verified parent asked (COPPA).', actor: { type: 'system', id: 'test' } });
      const done = await erasures.execute(scheduled.id);
      expect(done.status).toBe('completed');
      await signInAndOpen(page, t.url, OFFICER.email, PASSWORD, `#/deletion-certificates/${done.certificateId}/show`);
      await page.getByRole('heading', { name: 'What was erased' }).waitFor({ timeout: UI_WAIT_MS });
      await page.getByText('keystore.data_key: key_destroyed', { exact: false }).waitFor();
      expect(await page.getByText(CHILD.email).count()).toBe(0);
      await page.getByRole('button', { name: 'Signed JSON' }).waitFor();
    });
  });
});
