// One Chromium per test file (Debian's /usr/bin/chromium driven by playwright-core), with page
// errors collected and a screenshot helper writing to apps/dashboard/test-output/ (git-ignored).
import type { TestContext } from 'node:test';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = new URL('../test-output/screenshots/', import.meta.url).pathname;
export const LAUNCH_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'];

/** Chromium, or a skip outside CI when it is not installed (under CI=true a missing browser fails). */
export async function launch(t: TestContext): Promise<Browser | undefined> {
  if (!existsSync(CHROMIUM)) {
    const reason = `Chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
    if (process.env.CI === 'true') throw new Error(`${reason}; required under CI=true`);
    t.skip(reason);
    return undefined;
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS });
  t.after(() => browser.close());
  return browser;
}

export interface AppPage { page: Page; errors: string[]; shot(name: string): Promise<void> }

/** A page at 1280 px wide (the target) whose uncaught errors fail the test at the end. */
export async function openApp(browser: Browser, baseURL: string, viewport = { width: 1280, height: 860 }): Promise<AppPage> {
  const ctx = await browser.newContext({ baseURL, viewport });
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.setDefaultTimeout(15_000 * Number(process.env.OUTPOST_TEST_TIME_SCALE ?? 1));
  mkdirSync(SHOTS, { recursive: true });
  return { page, errors, shot: async (name) => { await page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true }); } };
}

/** Sign in through the form. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
