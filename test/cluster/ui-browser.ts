import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../browser/desk-browser';

/**
 * Debian's Chromium trusting exactly one self-signed certificate: `make cluster`'s HTTPS port (the
 * UI's codec endpoint), pinned by its public key, so every other certificate error still fails.
 */
export async function chromiumTrusting(certPath: string): Promise<Browser> {
  const spki = new X509Certificate(readFileSync(certPath)).publicKey.export({ type: 'spki', format: 'der' });
  const pin = createHash('sha256').update(spki).digest('base64');
  return launchChromium([`--ignore-certificate-errors-spki-list=${pin}`]);
}

/**
 * A person signing in to the Temporal UI as people do: the UI's "Continue to SSO", the IdP's login
 * and consent pages (scripts/dev-idp.mjs; any password), back to the workflow list.
 */
export async function signInToUi(browser: Browser, uiUrl: string, login: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  await page.goto(`${uiUrl}/namespaces/default/workflows`);
  await page.getByRole('button', { name: 'Continue to SSO' }).click();
  await page.getByPlaceholder('Enter any login').fill(login);
  await page.getByPlaceholder('and password').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click(); // the consent page
  await page.waitForURL(`${uiUrl}/namespaces/default/workflows`);
  return page;
}

/** The workflow page's More Actions → Terminate, with a reason; resolves on the dialog. */
export async function terminateInUi(page: Page, reason: string) {
  await page.getByRole('button', { name: 'More Actions' }).click();
  await page.getByRole('menuitem', { name: 'Terminate' }).click();
  const dialog = page.getByRole('dialog', { name: 'Terminate Workflow' });
  await dialog.getByPlaceholder('Enter a reason').fill(reason);
  await dialog.getByRole('button', { name: 'Terminate' }).click();
  return dialog;
}
