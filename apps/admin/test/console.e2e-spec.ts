// The built console, served by the real API, driven in Debian's headless Chromium.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import request from 'supertest';
import { StaffService } from '../../api/src/identity/staff.service';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { ADMIN_DIR, buildConsole, signIn, storedSession, useChromium } from './support/browser';

// The committed screenshot is refreshed on demand (UPDATE_SCREENSHOTS=1 npx jest apps/admin), so an
// ordinary test run leaves the working tree clean.
const SCREENSHOT =
  process.env.UPDATE_SCREENSHOTS === '1'
    ? path.resolve(ADMIN_DIR, '../../docs/screenshots/console-dashboard.png')
    : path.join(tmpdir(), `soar2-console-dashboard-${process.pid}.png`);

const PASSWORD = 'correct horse battery staple';
const ADMIN = { email: 'ada.admin@soar2.test', name: 'Ada Admin' };
const AGENT = { email: 'sam.support@soar2.test', name: 'Sam Support' };
const OFFICER = { email: 'priya.privacy@soar2.test', name: 'Priya Privacy' };
const LOCKED = { email: 'lou.locked@soar2.test', name: 'Lou Locked' };

describe('admin console', () => {
  let outDir: string;
  let t: TestApp;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-'));
    await buildConsole(outDir);
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir } });
    await t.app.get(StaffService).ensure(ADMIN.email, ADMIN.name, 'admin', PASSWORD);
    await t.app.get(StaffService).ensure(AGENT.email, AGENT.name, 'support_agent', PASSWORD);
    await t.app.get(StaffService).ensure(OFFICER.email, OFFICER.name, 'privacy_officer', PASSWORD);
    await t.app.get(StaffService).ensure(LOCKED.email, LOCKED.name, 'auditor', PASSWORD);
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('is served by the API at / with relative asset URLs', async () => {
    const html = readFileSync(path.join(outDir, 'index.html'), 'utf8');
    expect(html).toMatch(/src="\.\/assets\/[^"]+\.js"/);
    const page = await request(t.server).get('/').expect(200).expect('Content-Type', /html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.text).toContain('<div id="root"></div>');
  });

  describe('in Chromium', () => {
    let context!: BrowserContext;
    let page!: Page;
    if (!useChromium('console e2e', (tab) => ({ context, page } = tab))) return;

    it("shows the API's message when the password is wrong", async () => {
      await signIn(page, t.url, ADMIN.email, 'not the password');
      await page.getByText('The email or password is not correct.').waitFor();
      expect(await page.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);
    });

    it('shows the lockout message after too many failed sign-ins', async () => {
      for (let i = 0; i < 5; i += 1) {
        await request(t.server).post('/admin/auth/login').send({ email: LOCKED.email, password: 'wrong password' }).expect(401);
      }
      await signIn(page, t.url, LOCKED.email, PASSWORD);
      await page.getByText('Too many failed sign-in attempts; the account is locked for a while.').waitFor();
      expect(await storedSession(context)).toBeUndefined();
    });

    it('signs an admin in to a dashboard naming them, with their role and the database check up', async () => {
      await signIn(page, t.url, ADMIN.email, PASSWORD);
      await page.getByText(`Welcome, ${ADMIN.name}`).waitFor();
      const database = page.locator('[data-check="database"]');
      await database.getByText('up', { exact: true }).waitFor();
      expect(await database.textContent()).toMatch(/^database/);
      const appBar = page.locator('header');
      await appBar.getByLabel('Role: Admin').waitFor();
      expect(await appBar.textContent()).toContain(ADMIN.name);
      await page.getByLabel('Overall readiness: ok').waitFor();

      mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });
    });

    it('lists the seeded staff for an admin', async () => {
      await signIn(page, t.url, ADMIN.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Staff' }).click();
      const table = page.locator('table');
      await table.getByText(AGENT.email).waitFor();
      const text = await table.textContent();
      expect(text).toContain(ADMIN.email);
      expect(text).toContain(LOCKED.email);
      expect(text).toContain('Support agent');
      expect(text).toContain(OFFICER.email);
      expect(await table.locator('tbody tr').count()).toBe(4);
    });

    it('shows each role only the resources its CASL rules allow (privacy officer: outbox, not staff)', async () => {
      await signIn(page, t.url, OFFICER.email, PASSWORD);
      await page.getByText(`Welcome, ${OFFICER.name}`).waitFor();
      await page.getByRole('menuitem', { name: 'Email outbox' }).waitFor();
      expect(await page.getByRole('menuitem', { name: 'Staff' }).count()).toBe(0);
    });

    it('shows a support agent neither the staff list nor the outbox, and refuses the staff page itself', async () => {
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByText(`Welcome, ${AGENT.name}`).waitFor();
      await page.getByRole('menuitem', { name: 'Dashboard' }).waitFor();
      expect(await page.getByRole('menuitem', { name: 'Staff' }).count()).toBe(0);
      expect(await page.getByRole('menuitem', { name: 'Email outbox' }).count()).toBe(0);
      await page.goto(`${t.url}/#/staff`);
      await page.getByText(/not authorized|access denied|unauthorized/i).first().waitFor();
    });

    it('returns to the sign-in page when the API answers 401 for a revoked session', async () => {
      await signIn(page, t.url, ADMIN.email, PASSWORD);
      await page.getByText(`Welcome, ${ADMIN.name}`).waitFor();
      const token = (await storedSession(context))?.token;
      await request(t.server).post('/admin/auth/logout').set('Authorization', `Bearer ${token}`).expect(204);

      await page.getByRole('menuitem', { name: 'Staff' }).click();
      await page.getByText('Your session has ended; sign in again.').waitFor();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await storedSession(context)).toBeUndefined();
    });

    it('signs out, revoking the token on the API', async () => {
      await signIn(page, t.url, ADMIN.email, PASSWORD);
      await page.getByText(`Welcome, ${ADMIN.name}`).waitFor();
      const token = (await storedSession(context))?.token;
      expect(token).toMatch(/^st_/);
      await request(t.server).get('/admin/staff').set('Authorization', `Bearer ${token}`).expect(200);

      await page.getByRole('button', { name: 'Profile' }).click();
      await page.getByRole('menuitem', { name: 'Logout' }).click();
      await page.getByRole('button', { name: 'Sign in' }).waitFor();
      expect(await storedSession(context)).toBeUndefined();
      await request(t.server).get('/admin/staff').set('Authorization', `Bearer ${token}`).expect(401);
    });
  });
});
