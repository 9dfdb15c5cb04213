import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

/** Debian's Chromium (scripts/install-chromium.sh): playwright-core downloads no browser here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  // --no-sandbox: the tests run as root in a container, where Chromium's sandbox cannot start.
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage', ...extraArgs] });
}

/** A fresh browser profile at the size the desk is built for (1280×800), on the API's origin. */
export function newDeskContext(browser: Browser, baseURL: string, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport });
}

/** Signs in through the form as a person would; resolves on the page the desk answered with. */
export async function signIn(page: Page, key: string): Promise<number> {
  await page.goto('/desk/sign-in');
  await page.getByLabel('Legal API key').fill(key);
  const [answer] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/desk/sign-in') && r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
  await page.waitForLoadState();
  return answer.status();
}

export const ARTIFACTS = resolve(__dirname, '..', '..', 'test-artifacts');

/** A full-page screenshot under test-artifacts/ (git-ignored); `alsoTo` copies it, e.g. into docs/ for the README. */
export async function screenshot(page: Page, name: string, alsoTo?: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = resolve(ARTIFACTS, name);
  await page.screenshot({ path, fullPage: true });
  if (alsoTo) {
    mkdirSync(dirname(alsoTo), { recursive: true });
    copyFileSync(path, alsoTo);
  }
  return path;
}

/** Opens an action's form on the case page (each is a <details> disclosure) and returns it. */
export async function openAction(page: Page, action: string) {
  const details = page.locator(`#action-${action}`);
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
  return details.locator('form');
}
