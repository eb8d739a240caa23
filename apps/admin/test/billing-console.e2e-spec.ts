// The console's billing section in Chromium: a support agent adjusts a user's credits with a reason
// and sees the new balance and the ledger entry with its running balance.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { CreditsService } from '../../api/src/credits/credits.service';
import { StaffService } from '../../api/src/identity/staff.service';
import { UsersService } from '../../api/src/identity/users.service';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { buildConsole, signIn, useChromium } from './support/browser';

const PASSWORD = 'correct horse battery staple';
const AGENT = { email: 'sam.credits@soar2.test', name: 'Sam Credits' };
const DANA = { email: 'dana.credits@example.test', name: 'Dana Credits' };

describe('console: billing and credits', () => {
  let outDir: string;
  let t: TestApp;
  let danaId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-billing-'));
    await buildConsole(outDir);
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir, PROCESS_ROLES: 'api' } });
    await t.app.get(StaffService).ensure(AGENT.email, AGENT.name, 'support_agent', PASSWORD);
    danaId = (await t.app.get(UsersService).ensure(DANA.email, DANA.name, 'EU')).id;
    await t.app.get(CreditsService).grant({ userId: danaId, amount: 40, kind: 'purchase', idempotencyKey: 'console-test:dana', reason: 'Credit pack' });
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('billing console e2e', (tab) => ({ page } = tab))) return;

    it('lets a support agent adjust a user’s credits with a reason and shows the new balance', async () => {
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Users' }).click();
      await page.locator('table').getByText(DANA.email).click();
      await page.getByRole('heading', { name: DANA.name }).waitFor();
      await page.getByRole('heading', { name: 'Billing and credits' }).waitFor();
      await page.getByTestId('credits-balance').getByText('40').waitFor();

      const form = page.getByRole('form', { name: 'Adjust credits' });
      await form.getByRole('textbox', { name: 'Credits (+/−)' }).fill('25');
      await form.getByRole('button', { name: 'Adjust' }).click();
      await form.getByText('A reason is required').waitFor();

      await form.getByRole('textbox', { name: 'Reason' }).fill('Goodwill for a failed render');
      await form.getByRole('button', { name: 'Adjust' }).click();
      await page.getByTestId('credits-balance').getByText('65').waitFor();
      await page.getByTestId('credits-available').getByText('65').waitFor();
      const ledger = page.getByRole('table', { name: 'Credit ledger' });
      await ledger.getByText('Goodwill for a failed render').waitFor();
      const row = ledger.locator('tbody tr').first();
      expect(await row.innerText()).toMatch(/adjustment[\s\S]*25[\s\S]*65/);

      const rows: Array<{ amount: number; actor_id: string }> = await t.app
        .get(DataSource)
        .query(`SELECT amount, actor_id FROM credit_entries WHERE user_id = $1 AND kind = 'adjustment'`, [danaId]);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.amount).toBe(25);
    });
  });
});
