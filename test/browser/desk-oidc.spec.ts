import type { Browser, Page } from 'playwright-core';
import { RunningApi, startApi, testConfig } from '../support/harness';
import { startTestIdp, TestIdp } from '../support/oidc';
import { waitFor } from '../support/wait-for';
import { launchChromium, newDeskContext } from './desk-browser';

/**
 * Desk sign-in with the deployment's OpenID provider (scripts/dev-idp.mjs as a child process, its
 * own login and consent pages), in Chromium: a person with the legal role gets a desk session; a
 * person with another role is refused.
 */
describe('the legal desk signs people in with the OpenID provider', () => {
  let idp: TestIdp;
  let api: RunningApi;
  let browser: Browser;

  beforeAll(async () => {
    // The dev IdP registers the desk's callback (/desk/oidc/callback) beside the codec sign-in's, on any loopback port.
    idp = await startTestIdp();
    api = await startApi(testConfig({ OIDC_ISSUER_URL: idp.issuer, OIDC_AUDIENCE: 'caseworks-api', OIDC_RESOURCE: 'urn:caseworks:api' }));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.stop();
    await idp?.stop();
  });

  /** Walks the IdP's login and consent pages (any password is accepted there) until the browser is back on the API. */
  async function signInWithIdp(page: Page, login: string): Promise<void> {
    await page.goto('/desk/sign-in');
    await page.getByRole('link', { name: 'Sign in with your organisation’s account' }).click();
    await waitFor(async () => {
      if (page.url().startsWith(api.baseUrl)) return true;
      await page.waitForLoadState();
      const loginField = page.locator('input[name=login]');
      if (await loginField.count()) {
        await loginField.fill(login);
        await page.locator('input[name=password]').fill('any');
      }
      const submit = page.locator('button[type=submit]');
      if (await submit.count()) await Promise.all([page.waitForNavigation(), submit.first().click()]);
      return page.url().startsWith(api.baseUrl);
    }, { what: 'the IdP to send the browser back', timeoutMs: 20_000, intervalMs: 200 });
  }

  it('a legal person signs in and reaches the queue; the desk keeps a session, not the token', async () => {
    const context = await newDeskContext(browser, api.baseUrl);
    const page = await context.newPage();
    await signInWithIdp(page, 'lee-legal');
    await page.waitForURL(`${api.baseUrl}/desk`);
    expect(await page.locator('h1').innerText()).toBe('Takedown queue');
    expect(await page.locator('header.top').innerText()).toContain('Signed in as');
    const cookie = (await context.cookies()).find((c) => c.name === 'caseworks_desk')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/desk' });
    expect(cookie.value.split('.')).toHaveLength(4); // the sealed session, not a three-part JWT
    await context.close();
  });

  it('a person with another role is refused (403)', async () => {
    const context = await newDeskContext(browser, api.baseUrl);
    const page = await context.newPage();
    const answers: number[] = [];
    page.on('response', (r) => {
      if (r.url().startsWith(`${api.baseUrl}/desk/oidc/callback`)) answers.push(r.status());
    });
    await signInWithIdp(page, 'sam-sre');
    await waitFor(() => answers.length > 0, { what: 'the callback' });
    expect(answers).toEqual([403]);
    expect(await page.locator('main').innerText()).toMatch(/this sign-in has the role sre/);
    expect((await context.cookies()).some((c) => c.name === 'caseworks_desk')).toBe(false);
    await context.close();
  });
});
