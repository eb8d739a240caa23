// The support console in Chromium: an agent answers a ticket from the inbox, the user reads the
// reply through /v1 and the email waits in the outbox; the inbox search finds numbers and emails;
// a ticket body full of HTML and script is shown as the text it is, never run.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { StaffService } from '../../api/src/identity/staff.service';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { userWithToken } from '../../api/test/support/tokens';
import { buildConsole, signIn, useChromium } from './support/browser';

const PASSWORD = 'correct horse battery staple';
const AGENT = { email: 'sally.support@soar2.test', name: 'Sally Support' };
const HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script><b>bold?</b> My video is stuck';

describe('console: support tickets', () => {
  let outDir: string;
  let t: TestApp;
  let user: { id: string; token: string };

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-support-'));
    await buildConsole(outDir);
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir, PROCESS_ROLES: 'api' } });
    await t.app.get(StaffService).ensure(AGENT.email, AGENT.name, 'support_agent', PASSWORD);
    user = await userWithToken(t.app, 'una.user@example.test');
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function openTicket(subject: string, body: string): Promise<{ id: string; number: number }> {
    const res = await request(t.server).post('/v1/tickets').set('Authorization', `Bearer ${user.token}`).send({ subject, body, category: 'generation_problem' }).expect(201);
    return res.body as { id: string; number: number };
  }

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('support e2e', (tab) => ({ page } = tab))) return;

    it('lets an agent reply from the inbox; the user sees the reply through the API and the email is in the outbox', async () => {
      const ticket = await openTicket('Render stuck at 99%', 'The job never finishes.');
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Tickets' }).click();
      await page.locator('table').getByText('Render stuck at 99%').click();
      await page.getByTestId('ticket-subject').filter({ hasText: 'Render stuck at 99%' }).waitFor();
      await page.getByText('The job never finishes.').waitFor();

      await page.getByTestId('composer-body').fill('We restarted your job; it is done now.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('[data-kind="public_reply"]').getByText('We restarted your job; it is done now.').waitFor();
      await page.locator('[data-kind="public_reply"]').getByText('Emailed').waitFor();

      const seen = await request(t.server).get(`/v1/tickets/${ticket.id}`).set('Authorization', `Bearer ${user.token}`).expect(200);
      expect((seen.body as { status: string }).status).toBe('open');
      expect((seen.body as { messages: Array<{ from: string; body: string }> }).messages).toEqual([
        expect.objectContaining({ from: 'you', body: 'The job never finishes.' }),
        expect.objectContaining({ from: 'support', body: 'We restarted your job; it is done now.' }),
      ]);
      const outbox = (await t.app.get(DataSource).query(
        `SELECT recipient, class, subject, text_body AS text FROM notifications WHERE kind = 'support.reply' AND user_id = $1`,
        [user.id],
      )) as Array<{ recipient: string; class: string; subject: string; text: string }>;
      expect(outbox).toHaveLength(1);
      expect(outbox[0]).toMatchObject({ recipient: 'una.user@example.test', class: 'service_critical', subject: `Re: [#${ticket.number}] Render stuck at 99%` });
      expect(outbox[0]?.text).toContain('We restarted your job; it is done now.');
    });

    it('converts a privacy ticket into a privacy request of the type chosen in the dialog, and links to it', async () => {
      const res = await request(t.server).post('/v1/tickets').set('Authorization', `Bearer ${user.token}`).send({ subject: 'My data please', body: 'Send me my data.', category: 'privacy' }).expect(201);
      const ticketId = (res.body as { id: string }).id;
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Tickets' }).waitFor();
      await page.goto(`${t.url}/#/tickets/${ticketId}/show`);
      await page.getByTestId('ticket-subject').filter({ hasText: 'My data please' }).waitFor();
      await page.getByRole('button', { name: 'Convert to privacy request' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('combobox').click();
      await page.getByRole('option', { name: 'Portability' }).click();
      await dialog.getByRole('button', { name: 'Convert to privacy request' }).click();
      const link = page.getByRole('link', { name: /^[0-9a-f-]{36}$/ });
      await link.waitFor();
      const [pr] = (await t.app.get(DataSource).query(`SELECT id, type, status, ticket_id AS "ticketId" FROM privacy_requests WHERE user_id = $1`, [user.id])) as Array<Record<string, string>>;
      expect(pr).toMatchObject({ type: 'portability', status: 'verified', ticketId });
      expect(await link.textContent()).toBe(pr?.id);
    });

    it('finds a ticket by its number or the requester email in the inbox search (ticket text is encrypted, so not by words)', async () => {
      const wanted = await openTicket('Searchable by number', 'Find me by my number.');
      await openTicket('Another ticket in the inbox', 'Not this one.');
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Tickets' }).click();
      await page.locator('table').getByText('Another ticket in the inbox').waitFor();
      const search = page.getByPlaceholder('Number, email or id');
      await search.fill(`#${wanted.number}`);
      await page.locator('table').getByText('Another ticket in the inbox').waitFor({ state: 'detached' });
      await page.locator('table').getByText('Searchable by number').waitFor();
      await search.fill('una.user@example.test');
      await page.locator('table').getByText('Another ticket in the inbox').waitFor();
    });

    it('shows HTML and script in a ticket body as text, without running them', async () => {
      const dialogs: string[] = [];
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const ticket = await openTicket('<script>alert("subject")</script>', HOSTILE);
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Tickets' }).waitFor();
      await page.goto(`${t.url}/#/tickets/${ticket.id}/show`);
      const body = page.getByTestId('ticket-message-body').first();
      await body.waitFor();
      expect(await body.textContent()).toBe(HOSTILE);
      expect(await body.locator('img, script, b').count()).toBe(0);
      expect(await page.getByTestId('ticket-subject').textContent()).toContain('<script>alert("subject")</script>');
      expect(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
      expect(dialogs).toEqual([]);
    });
  });
});
