// Staff management and the member's own security settings in the built console, served by the
// real API and driven in Debian's headless Chromium.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import PostalMime from 'postal-mime';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { StaffService } from '../../api/src/identity/staff.service';
import { base32Decode, totpCode } from '../../api/src/identity/totp';
import { MailerService } from '../../api/src/notifications/mailer.service';
import { OutboxDeliveryWorker } from '../../api/src/notifications/outbox-delivery.worker';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { UI_WAIT_MS, buildConsole, storedSession, submitSignIn, useChromium } from './support/browser';

const PASSWORD = 'correct horse battery staple';
const ADMIN = { email: 'ada.admin@soar2.test', name: 'Ada Admin' };
const AUDITOR = { email: 'tom.totp@soar2.test', name: 'Tom Totp' };
const LOCKED = { email: 'lou.locked@soar2.test', name: 'Lou Locked' };
const NEW_AGENT = { email: 'sam.support@soar2.test', name: 'Sam Support', password: 'sam picked this password' };

describe('staff console', () => {
  let outDir: string;
  let t: TestApp;
  let ds: DataSource;

  async function staffId(email: string): Promise<string> {
    const rows = (await ds.query('SELECT id FROM staff WHERE email = $1', [email])) as Array<{ id: string }>;
    return rows[0]?.id ?? '';
  }

  /** The set-password token of the newest invitation to an address, read from the delivered .eml file. */
  async function invitationToken(to: string): Promise<string> {
    while ((await t.app.get(OutboxDeliveryWorker).deliverDue()).claimed > 0);
    const [row] = (await ds.query(`SELECT id FROM notifications WHERE recipient = $1 AND kind = 'staff.invitation' ORDER BY created_at DESC LIMIT 1`, [to])) as Array<{ id: string }>;
    if (!row) throw new Error(`no invitation was sent to ${to}`);
    const mail = await PostalMime.parse(readFileSync(t.app.get(MailerService).emlPath(row.id)));
    const token = /#\/set-password\?token=(sp_[A-Za-z0-9_-]{43})/.exec(mail.text ?? '')?.[1];
    if (!token) throw new Error('the invitation holds no link');
    return token;
  }

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-staff-'));
    await buildConsole(outDir);
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir, PROCESS_ROLES: 'api' } });
    ds = t.app.get(DataSource);
    await t.app.get(StaffService).ensure(ADMIN.email, ADMIN.name, 'admin', PASSWORD);
    await t.app.get(StaffService).ensure(AUDITOR.email, AUDITOR.name, 'auditor', PASSWORD);
    await t.app.get(StaffService).ensure(LOCKED.email, LOCKED.name, 'privacy_officer', PASSWORD);
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let context!: BrowserContext;
    let page!: Page;
    let browser!: Browser;
    if (!useChromium('staff console e2e', (tab) => ({ browser, context, page } = tab))) return;

    async function signIn(email: string, password: string, name: string): Promise<void> {
      await page.goto(t.url);
      await submitSignIn(page, email, password);
      await page.getByText(`Welcome, ${name}`).waitFor();
    }

    it('lets an admin invite a support agent, who chooses a password from the emailed link and signs in', async () => {
      await signIn(ADMIN.email, PASSWORD, ADMIN.name);
      await page.getByRole('menuitem', { name: 'Staff' }).click();
      await page.getByRole('link', { name: 'Invite' }).click();
      await page.getByRole('textbox', { name: /^Email/ }).fill(NEW_AGENT.email);
      await page.getByRole('textbox', { name: /^Name/ }).fill(NEW_AGENT.name);
      await page.getByRole('combobox', { name: /^Role/ }).click();
      await page.getByRole('option', { name: 'Support agent' }).click();
      await page.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Invitation sent').waitFor();
      await page.getByText(NEW_AGENT.email).first().waitFor();
      expect(await staffId(NEW_AGENT.email)).not.toBe('');

      // The new member, in a browser of their own, follows the link from the email.
      const token = await invitationToken(NEW_AGENT.email);
      const member = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      member.setDefaultTimeout(UI_WAIT_MS);
      try {
        const memberPage = await member.newPage();
        await memberPage.goto(`${t.url}/#/set-password?token=${token}`);
        await memberPage.getByRole('textbox', { name: /^New password/ }).fill('too short');
        await memberPage.getByRole('textbox', { name: /^Repeat/ }).fill('too short');
        await memberPage.getByRole('button', { name: 'Set password' }).click();
        await memberPage.getByText('The password must be at least 12 characters long.').waitFor();
        await memberPage.getByRole('textbox', { name: /^New password/ }).fill(NEW_AGENT.password);
        await memberPage.getByRole('textbox', { name: /^Repeat/ }).fill(NEW_AGENT.password);
        await memberPage.getByRole('button', { name: 'Set password' }).click();
        await memberPage.getByText('Your password is set. Sign in with it.').waitFor();
        await submitSignIn(memberPage, NEW_AGENT.email, NEW_AGENT.password);
        await memberPage.getByText(`Welcome, ${NEW_AGENT.name}`).waitFor();
        await memberPage.locator('header').getByLabel('Role: Support agent').waitFor();
      } finally {
        await member.close();
      }
    });

    it('offers no role or status control on the admin’s own record, offers them on others, and the API refuses a crafted change', async () => {
      await signIn(ADMIN.email, PASSWORD, ADMIN.name);
      const adminId = await staffId(ADMIN.email);
      await page.goto(`${t.url}/#/staff/${adminId}`);
      await page.getByRole('textbox', { name: /^Name/ }).waitFor();
      await page.getByTestId('own-record-note').waitFor();
      expect(await page.getByRole('combobox', { name: /^Role/ }).count()).toBe(0);
      expect(await page.getByRole('combobox', { name: /^Status/ }).count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);

      await page.goto(`${t.url}/#/staff/${await staffId(AUDITOR.email)}`);
      await page.getByRole('combobox', { name: /^Role/ }).waitFor();
      await page.getByRole('combobox', { name: /^Status/ }).waitFor();
      expect(await page.getByTestId('own-record-note').count()).toBe(0);

      const token = (await storedSession(context))?.token ?? '';
      const crafted = await request(t.server).put(`/admin/staff/${adminId}`).set('Authorization', `Bearer ${token}`).send({ role: 'auditor' }).expect(403);
      expect(crafted.body).toMatchObject({ code: 'FIELD_NOT_EDITABLE', message: 'A staff member cannot change their own role or status.' });
      const rows = (await ds.query('SELECT role FROM staff WHERE id = $1', [adminId])) as Array<{ role: string }>;
      expect(rows[0]?.role).toBe('admin');
    });

    it('lets an admin unlock a member locked out by failed sign-ins', async () => {
      for (let i = 0; i < 5; i += 1) await request(t.server).post('/admin/auth/login').send({ email: LOCKED.email, password: 'wrong password' }).expect(401);
      await request(t.server).post('/admin/auth/login').send({ email: LOCKED.email, password: PASSWORD }).expect(429);

      await signIn(ADMIN.email, PASSWORD, ADMIN.name);
      await page.goto(`${t.url}/#/staff/${await staffId(LOCKED.email)}/show`);
      await page.getByRole('button', { name: 'Reset password' }).waitFor();
      await page.getByRole('button', { name: 'Unlock' }).click();
      await page.getByText('Unlocked: the member can sign in again.').waitFor();
      await request(t.server).post('/admin/auth/login').send({ email: LOCKED.email, password: PASSWORD }).expect(200);
    });

    it('lets a member set up two-step sign-in, then asks for the code at sign-in and accepts one computed here', async () => {
      await signIn(AUDITOR.email, PASSWORD, AUDITOR.name);
      await page.getByRole('button', { name: 'Profile' }).click();
      await page.getByRole('menuitem', { name: 'Security' }).click();
      await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
      const secret = (await page.getByTestId('totp-secret').textContent()) ?? '';
      expect(secret).toMatch(/^[A-Z2-7]{32}$/);
      expect(await page.getByTestId('totp-uri').textContent()).toBe(
        `otpauth://totp/Soar2%20Back-Office:tom.totp%40soar2.test?secret=${secret}&issuer=Soar2%20Back-Office&algorithm=SHA1&digits=6&period=30`,
      );
      const key = base32Decode(secret) as Buffer;
      await page.getByRole('textbox', { name: /^Authentication code/ }).fill(totpCode(key, Date.now()));
      await page.getByRole('button', { name: 'Confirm' }).click();
      await page.getByText('Two-step sign-in is on.').waitFor();
      await page.getByTestId('totp-state').getByText(/^On since/).waitFor();

      await page.getByRole('button', { name: 'Profile' }).click();
      await page.getByRole('menuitem', { name: 'Logout' }).click();
      await submitSignIn(page, AUDITOR.email, PASSWORD);
      await page.getByText('Enter the 6-digit code from your authenticator app.').waitFor();
      expect(await storedSession(context)).toBeUndefined();
      // The code that confirmed the set-up is spent; the next step's code is within the ±1 window.
      await page.getByRole('textbox', { name: /^Authentication code/ }).fill(totpCode(key, Date.now() + 30_000));
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Welcome, ${AUDITOR.name}`).waitFor();
      expect((await storedSession(context))?.token).toMatch(/^st_/);
    });
  });
});
