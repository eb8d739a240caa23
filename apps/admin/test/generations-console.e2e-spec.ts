// The console's generations pages in Chromium: a support agent finds a user's failed job by email,
// refunds the credits it spent, and sees the user's balance change.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CreditsService } from '../../api/src/credits/credits.service';
import { VideoSimulator } from '../../api/src/generation/simulator/video-simulator';
import { StaffService } from '../../api/src/identity/staff.service';
import { generationEnv, grantCredits, loseVideo, waitForFinal } from '../../api/test/support/generation-fixtures';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { ensureStaff, issueStaffToken, userWithToken } from '../../api/test/support/tokens';
import { buildConsole, signIn, useChromium } from './support/browser';

const PASSWORD = 'correct horse battery staple';
const AGENT = { email: 'sam.support@soar2.test', name: 'Sam Support' };
const CUSTOMER = 'charged.nothing@example.test';

describe('console: generations', () => {
  const sim = new VideoSimulator({ latencyMs: 30 });
  let outDir: string;
  let t: TestApp;
  let jobId: string;
  let userId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-generations-'));
    await Promise.all([buildConsole(outDir), sim.start()]);
    t = await startTestApp({ env: generationEnv(sim, { ADMIN_DIST_DIR: outDir }) });
    await t.app.get(StaffService).ensure(AGENT.email, AGENT.name, 'support_agent', PASSWORD);
    const agentId = await ensureStaff(t.app, 'support_agent', AGENT.email);
    const u = await userWithToken(t.app, CUSTOMER);
    userId = u.id;
    await grantCredits(t.app, u.id, 100, 'test:console-gen');
    // A completed job (4 credits spent) whose video is then lost on both sides; a re-copy marks it failed.
    const res = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${u.token}`).send({ prompt: 'A paper boat in the rain', model: 'sora-2', seconds: 4, size: '1280x720' });
    jobId = res.body.id as string;
    const job = await waitForFinal(t.app.get(DataSource), jobId);
    await loseVideo(t.app, sim, jobId, job.provider_video_ids);
    const agent = await issueStaffToken(t.app, agentId);
    await request(t.url).post(`/admin/generations/${jobId}/recopy`).set('authorization', `Bearer ${agent}`).send({ reason: 'Ticket T-7: video will not play' }).expect(200);
    // Another user's job, which the email filter must leave out.
    const other = await userWithToken(t.app, 'someone.else@example.test');
    await grantCredits(t.app, other.id, 10, 'test:console-gen-other');
    const o = await request(t.url).post('/v1/videos').set('authorization', `Bearer ${other.token}`).send({ prompt: 'Waves', model: 'sora-2', seconds: 4, size: '1280x720' });
    await waitForFinal(t.app.get(DataSource), o.body.id as string);
  });

  afterAll(async () => {
    await t?.close();
    await sim.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('generations e2e', (tab) => ({ page } = tab))) return;

    it('a support agent finds the failed job by the user’s email, refunds it with a reason, and sees the balance change', async () => {
      expect(await t.app.get(CreditsService).summary(userId)).toEqual({ balance: 96, held: 0, available: 96 });
      await signIn(page, t.url, AGENT.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Generations' }).click();
      await page.getByTestId('provider-banner').waitFor();
      const table = page.locator('table');
      await table.getByText('someone.else@example.test').waitFor();

      await page.getByRole('textbox', { name: 'User email' }).fill('charged.nothing');
      await table.getByText('someone.else@example.test').waitFor({ state: 'detached' });
      expect(await table.locator('tbody tr').count()).toBe(1);
      await table.getByText('failed').click();

      await page.getByTestId('generation-status').getByText('failed').waitFor();
      await page.getByText('asset_expired').first().waitFor();
      expect(await page.getByTestId('user-credits').textContent()).toBe('balance 96 · held 0 · available 96');

      await page.getByRole('button', { name: 'Refund credits' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('textbox', { name: 'Reason' }).fill('Ticket T-7: charged, no video');
      await dialog.getByRole('button', { name: 'Confirm' }).click();

      await page.getByTestId('user-credits').getByText('balance 100 · held 0 · available 100').waitFor();
      expect(await page.getByRole('button', { name: 'Refund credits' }).count()).toBe(0);
      expect(await t.app.get(CreditsService).summary(userId)).toEqual({ balance: 100, held: 0, available: 100 });
      const audits: Array<{ details: { reason: string } }> = await t.app.get(DataSource).query(`SELECT details FROM audit_log WHERE action = 'generation.refund' AND subject_id = $1`, [jobId]);
      expect(audits.map((a) => a.details.reason)).toEqual(['Ticket T-7: charged, no video']);
    });
  });
});
