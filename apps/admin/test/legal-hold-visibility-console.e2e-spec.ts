// Legal holds on the records they cover, in Chromium: a support agent sees "Under legal hold" on a
// held ticket (with the reason and a link to the hold) and a chip in the inbox; on a job held through
// its user the delete action is disabled with the reason, while an unheld job shows no banner.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { VideoSimulator } from '../../api/src/generation/simulator/video-simulator';
import { StaffService } from '../../api/src/identity/staff.service';
import { LegalHoldsService } from '../../api/src/legal-holds/legal-holds.service';
import { generationEnv, grantCredits, waitForFinal } from '../../api/test/support/generation-fixtures';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { ensureStaff, userWithToken } from '../../api/test/support/tokens';
import { UI_WAIT_MS, buildConsole, signInAndOpen, useChromium } from './support/browser';

const PASSWORD = 'correct horse battery staple';
const AGENT = { email: 'hal.helpdesk@soar2.test', name: 'Hal Helpdesk' };
const TICKET_REASON = 'Complaint file CASE-7: preserve this ticket.';
const USER_REASON = 'Litigation hold: Doe v. Soar2.';

describe('console: legal holds on tickets and jobs', () => {
  const sim = new VideoSimulator({ latencyMs: 20 });
  let outDir: string;
  let t: TestApp;
  let heldTicket: { id: string; number: number };
  let heldJob: string;
  let freeJob: string;
  let ticketHoldId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-hold-visibility-'));
    await Promise.all([buildConsole(outDir), sim.start()]);
    t = await startTestApp({ env: generationEnv(sim, { ADMIN_DIST_DIR: outDir }) });
    await t.app.get(StaffService).ensure(AGENT.email, AGENT.name, 'support_agent', PASSWORD);
    const officer = { type: 'staff' as const, id: await ensureStaff(t.app, 'privacy_officer'), role: 'privacy_officer' };
    const ds = t.app.get(DataSource);
    const customer = await userWithToken(t.app, 'plain.customer@example.test');
    const litigant = await userWithToken(t.app, 'litigant@example.test');
    const ticket = await request(t.server).post('/v1/tickets').set('Authorization', `Bearer ${customer.token}`).send({ subject: 'Keep my records', body: 'Please keep everything.', category: 'other' }).expect(201);
    heldTicket = ticket.body as { id: string; number: number };
    await request(t.server).post('/v1/tickets').set('Authorization', `Bearer ${customer.token}`).send({ subject: 'Nothing special', body: 'Just a question.', category: 'other' }).expect(201);
    const video = async (user: { id: string; token: string }, prompt: string): Promise<string> => {
      await grantCredits(t.app, user.id, 20, `test:hold-console:${user.id}`);
      const res = await request(t.server).post('/v1/videos').set('Authorization', `Bearer ${user.token}`).send({ prompt, model: 'sora-2', seconds: 4, size: '1280x720' }).expect(202);
      await waitForFinal(ds, res.body.id as string);
      return res.body.id as string;
    };
    heldJob = await video(litigant, 'A courtroom at dusk');
    freeJob = await video(customer, 'A kite over the beach');
    const holds = t.app.get(LegalHoldsService);
    ticketHoldId = (await holds.create({ scopeType: 'ticket', scopeId: heldTicket.id, reason: TICKET_REASON, requestedBy: 'Legal (J. Smith)' }, officer)).id;
    await holds.create({ scopeType: 'user', scopeId: litigant.id, reason: USER_REASON, requestedBy: 'Legal (J. Smith)' }, officer);
  });

  afterAll(async () => {
    await t?.close();
    await sim.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('legal hold visibility e2e', (tab) => ({ page } = tab))) return;

    it('shows "Under legal hold" with the reason and a link to the hold on a held ticket, and a chip in the inbox', async () => {
      await signInAndOpen(page, t.url, AGENT.email, PASSWORD, `#/tickets/${heldTicket.id}/show`);
      const banner = page.getByTestId('legal-hold-banner');
      await banner.waitFor({ timeout: UI_WAIT_MS });
      expect(await banner.innerText()).toContain('Under legal hold');
      expect(await banner.innerText()).toContain('Hold on this ticket');
      expect(await banner.innerText()).toContain(TICKET_REASON);
      await banner.getByRole('link', { name: 'Open the hold' }).click();
      await page.waitForURL(`**/legal-holds/${ticketHoldId}/show`, { timeout: UI_WAIT_MS });
      await page.getByText(TICKET_REASON, { exact: true }).waitFor({ timeout: UI_WAIT_MS });

      await page.getByRole('menuitem', { name: 'Tickets' }).click();
      const heldRow = page.locator('tr', { hasText: 'Keep my records' });
      const chip = heldRow.getByTestId('under-hold-chip');
      await chip.waitFor({ timeout: UI_WAIT_MS });
      // Seen without scrolling sideways: the chip sits within the window's width.
      const box = await chip.boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(page.viewportSize()!.width);
      const freeRow = page.locator('tr', { hasText: 'Nothing special' });
      await freeRow.waitFor();
      expect(await freeRow.getByTestId('under-hold-chip').count()).toBe(0);
    });

    it('disables deleting a job held through its user, with the reason, and shows nothing on an unheld job', async () => {
      await signInAndOpen(page, t.url, AGENT.email, PASSWORD, `#/generations/${heldJob}/show`);
      const banner = page.getByTestId('legal-hold-banner');
      await banner.waitFor({ timeout: UI_WAIT_MS });
      expect(await banner.innerText()).toContain('Hold on the user’s account');
      expect(await banner.innerText()).toContain(USER_REASON);
      const del = page.getByTestId('generation-delete-held');
      expect(await del.isDisabled()).toBe(true);
      expect(await del.getAttribute('aria-description')).toContain('A legal hold covers this job');

      await page.goto(`${t.url}/#/generations/${freeJob}/show`);
      await page.getByText('A kite over the beach').waitFor({ timeout: UI_WAIT_MS });
      expect(await page.getByTestId('legal-hold-banner').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Delete' }).isEnabled()).toBe(true);
    });
  });
});
