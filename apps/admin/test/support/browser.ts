// Helpers for the console's Chromium tests: build the console once per file, launch Debian's
// Chromium, sign in.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ADMIN_DIR = path.resolve(__dirname, '../..');
// Waiting for the UI to settle, not a performance assertion: it only turns a hang into a clear failure.
export const UI_WAIT_MS = 15_000;

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

/** Builds the console with Vite into `outDir` (about a second). */
export function buildConsole(outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npx', ['vite', 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: ADMIN_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}:\n${output}`))));
  });
}

/** The console's stored session, read from the browser's localStorage. */
export async function storedSession(context: BrowserContext): Promise<{ token?: string; staff?: { id: string } } | undefined> {
  const { origins } = await context.storageState();
  const item = origins.flatMap((o) => o.localStorage).find((entry) => entry.name === 'soar2.console.session');
  return item ? (JSON.parse(item.value) as { token?: string; staff?: { id: string } }) : undefined;
}

/** Fills the sign-in form of the page it is on and submits it. */
export async function submitSignIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Email' }).fill(email);
  await page.getByRole('textbox', { name: 'Password' }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the console and signs in. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await submitSignIn(page, email, password);
}

/**
 * Signs in, waits until the console has stored the session (the redirect after sign-in is done),
 * then opens a console route such as `#/users/<id>/show`. Going there before the sign-in settles
 * can lose the route to the post-sign-in redirect.
 */
export async function signInAndOpen(page: Page, url: string, email: string, password: string, route: string): Promise<void> {
  await signIn(page, url, email, password);
  // Runs in the page; this file is also type-checked without the DOM library.
  await page.waitForFunction((key) => (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage.getItem(key) !== null, 'soar2.console.session', {
    timeout: UI_WAIT_MS,
  });
  await page.getByRole('menuitem', { name: 'Dashboard' }).waitFor({ timeout: UI_WAIT_MS });
  await page.goto(`${url}/${route}`);
}

export interface BrowserTab {
  /** The file's browser, for a test that needs a second, separate session. */
  browser: Browser;
  context: BrowserContext;
  page: Page;
}

/**
 * Declares, inside a describe block, one Chromium per file and a fresh context per test (its own
 * localStorage, so every test starts signed out), handing each test's tab to `onTab`. Without
 * /usr/bin/chromium it says so in one line and declares nothing (returns false), except under
 * CI=true, where it declares one failing test: CI must have the browser.
 */
export function useChromium(label: string, onTab: (tab: BrowserTab) => void): boolean {
  if (!chromiumInstalled()) {
    if (process.env.CI === 'true') {
      it('finds Debian chromium at /usr/bin/chromium, which CI requires', () => {
        throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y --no-install-recommends chromium).`);
      });
    } else {
      process.stdout.write(`[${label}] ${CHROMIUM} not found: browser tests not run (apt-get install -y --no-install-recommends chromium).\n`);
    }
    return false;
  }
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  beforeAll(async () => {
    // launch() gives every run a fresh temporary profile (user-data-dir) and deletes it on close.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });
  beforeEach(async () => {
    if (!browser) throw new Error('Chromium did not start');
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(UI_WAIT_MS);
    onTab({ browser, context, page: await context.newPage() });
  });
  afterEach(async () => {
    await context?.close();
  });
  return true;
}
