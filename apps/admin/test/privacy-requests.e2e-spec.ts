// The privacy officer's console in Chromium: from the queue to a completed access request (the
// package is really built by the worker and its download link emailed).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { StaffService } from '../../api/src/identity/staff.service';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { userWithToken } from '../../api/test/support/tokens';
import { ADMIN_DIR, buildConsole, signIn, signInAndOpen, useChromium } from './support/browser';

const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1' ? path.resolve(ADMIN_DIR, '../../docs/screenshots/privacy-request-completed.png') : path.join(tmpdir(), `soar2-privacy-request-${process.pid}.png`);

const PASSWORD = 'correct horse battery staple';
const OFFICER = { email: 'dora.dpo@soar2.test', name: 'Dora DPO' };

describe('console: privacy requests', () => {
  let outDir: string;
  let t: TestApp;
  let requestId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-privacy-'));
    await buildConsole(outDir);
    // The worker role too: approval runs the fulfilment and package jobs.
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir } });
    await t.app.get(StaffService).ensure(OFFICER.email, OFFICER.name, 'privacy_officer', PASSWORD);
    const user = await userWithToken(t.app, 'nina.subject@example.test');
    const made = await request(t.server).post('/v1/privacy-requests').set('Authorization', `Bearer ${user.token}`).send({ type: 'access', details: 'Everything you hold about me.' }).expect(202);
    requestId = made.body.id as string;
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('privacy requests e2e', (tab) => ({ page } = tab))) return;

    it('walks a privacy officer from the queue to a completed access request', async () => {
      await signIn(page, t.url, OFFICER.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Privacy requests' }).click();
      const table = page.locator('table');
      const row = table.locator('tbody tr').filter({ hasText: 'nina.subject@example.test' });
      await row.waitFor();
      expect(await row.textContent()).toMatch(/access.*verified/);
      await row.click();

      await page.getByRole('heading', { name: 'access request' }).waitFor();
      await page.getByRole('button', { name: 'Assign to me' }).click();
      await page.getByLabel('Request status').filter({ hasText: 'in review' }).waitFor();
      await page.getByRole('button', { name: 'Approve' }).click();

      // The worker builds the package; the page shows the outcome once it is there.
      const status = page.getByLabel('Request status');
      for (let i = 0; i < 120; i += 1) {
        if ((await status.textContent())?.includes('completed')) break;
        await page.waitForTimeout(250);
        await page.getByRole('button', { name: 'Refresh' }).first().click();
      }
      await status.filter({ hasText: 'completed' }).waitFor();
      const timeline = page.getByRole('list', { name: 'Timeline' });
      await timeline.getByText('executing → completed').waitFor();
      expect(await timeline.textContent()).toContain('Your data package is being prepared.');
      await page.screenshot({ path: SCREENSHOT, fullPage: true });

      const [row2] = (await t.app.get(DataSource).query('SELECT status, fulfilment FROM privacy_requests WHERE id = $1', [requestId])) as Array<{ status: string; fulfilment: { packageId?: string } }>;
      expect(row2).toMatchObject({ status: 'completed', fulfilment: { packageId: expect.any(String) } });
      const [mail] = (await t.app.get(DataSource).query(`SELECT kind FROM notifications WHERE kind = 'privacy.request_completed' AND user_id IS NOT NULL`)) as Array<{ kind: string }>;
      expect(mail?.kind).toBe('privacy.request_completed');
    });

    it('flags a request whose requester wrote as awaiting an officer, and the flag clears when the officer answers', async () => {
      const omar = await userWithToken(t.app, 'omar.waiting@example.test');
      const made = await request(t.server).post('/v1/privacy-requests').set('Authorization', `Bearer ${omar.token}`).send({ type: 'objection' }).expect(202);
      const quiet = await userWithToken(t.app, 'pia.quiet@example.test');
      await request(t.server).post('/v1/privacy-requests').set('Authorization', `Bearer ${quiet.token}`).send({ type: 'objection' }).expect(202);
      await request(t.server).post(`/v1/privacy-requests/${made.body.id as string}/messages`).set('Authorization', `Bearer ${omar.token}`).send({ body: 'Any news?' }).expect(201);

      await signInAndOpen(page, t.url, OFFICER.email, PASSWORD, '#/privacy-requests');
      const row = page.locator('table tbody tr').filter({ hasText: 'omar.waiting@example.test' });
      await row.getByText('Awaiting officer').waitFor();
      await page.locator('table tbody tr').filter({ hasText: 'pia.quiet@example.test' }).waitFor();
      // The filter keeps only the requests whose requester waits.
      await page.goto(`${t.url}/#/privacy-requests?filter=${encodeURIComponent(JSON.stringify({ awaitingOfficer: true }))}`);
      const rows = page.locator('table tbody tr');
      await rows.filter({ hasText: 'pia.quiet@example.test' }).waitFor({ state: 'detached' });
      await rows.filter({ hasText: 'omar.waiting@example.test' }).waitFor();
      await rows.filter({ hasText: 'omar.waiting@example.test' }).click();

      await page.getByRole('heading', { name: 'objection request' }).waitFor();
      await page.getByRole('list', { name: 'Timeline' }).getByText('officer alerted').waitFor();
      await page.getByRole('button', { name: 'Message requester' }).click();
      await page.getByRole('dialog').getByLabel('Message').fill('We are looking into it.');
      await page.getByRole('dialog').getByRole('button', { name: 'Message requester' }).click();
      await page.getByRole('list', { name: 'Timeline' }).getByText('We are looking into it.').waitFor();
      await page.getByText('Awaiting officer').waitFor({ state: 'detached' });
      const [flag] = (await t.app.get(DataSource).query('SELECT awaiting_officer_since FROM privacy_requests WHERE id = $1', [made.body.id])) as Array<{ awaiting_officer_since: Date | null }>;
      expect(flag?.awaiting_officer_since).toBeNull();
    });
  });
});
