// The console's data-package pages in Chromium: a privacy officer follows a package from queued to
// ready (PackageProgress polls the API while the package builds).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { StaffService } from '../../api/src/identity/staff.service';
import { UsersService } from '../../api/src/identity/users.service';
import { PersonalDataRegistry } from '../../api/src/personal-data/personal-data.registry';
import { AccessPackageService } from '../../api/src/privacy-packages/access-package.service';
import { TestApp, startTestApp } from '../../api/test/support/test-app';
import { buildConsole, signIn, useChromium } from './support/browser';

const PASSWORD = 'correct horse battery staple';
const OFFICER = { email: 'priya.privacy@soar2.test', name: 'Priya Privacy' };

describe('console: data packages', () => {
  let outDir: string;
  let t: TestApp;
  let packageId: string;

  beforeAll(async () => {
    outDir = mkdtempSync(path.join(tmpdir(), 'soar2-console-packages-'));
    await buildConsole(outDir);
    // No worker role: the test runs the build itself once the page shows the package queued.
    t = await startTestApp({ env: { ADMIN_DIST_DIR: outDir, PROCESS_ROLES: 'api' } });
    await t.app.get(StaffService).ensure(OFFICER.email, OFFICER.name, 'privacy_officer', PASSWORD);
    const user = await t.app.get(UsersService).ensure('rosa.example@example.test', 'Rosa Example', 'FR');
    ({ packageId } = await t.app.get(AccessPackageService).build({ userId: user.id, requestId: null, format: 'access' }));
  });

  afterAll(async () => {
    await t?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  describe('in Chromium', () => {
    let page!: Page;
    if (!useChromium('privacy packages e2e', (tab) => ({ page } = tab))) return;

    it('shows a privacy officer the package queued, then ready with its checksum, without reloading', async () => {
      await signIn(page, t.url, OFFICER.email, PASSWORD);
      await page.getByRole('menuitem', { name: 'Data packages' }).click();
      await page.locator('table').getByText('Queued').waitFor();
      await page.locator('table tbody tr').first().click();
      const progress = page.getByTestId('package-progress');
      await progress.getByText('Queued').waitFor();
      // Every category the application registers (each module with personal data).
      const total = t.app.get(PersonalDataRegistry).list().length;
      await progress.getByText(`0 of ${total} categories`).waitFor();

      await t.app.get(AccessPackageService).run(packageId);
      const { sha256 } = await t.app.get(AccessPackageService).status(packageId);
      await progress.getByText('Ready').waitFor();
      await progress.getByText(`${total} of ${total} categories`).waitFor();
      await progress.getByText(`SHA-256 ${sha256}`).waitFor();
    });
  });
});
