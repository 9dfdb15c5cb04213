import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { computeTransparencyCounts, storeTransparencySnapshot } from '../../src/persistence/takedown-transparency';
import { RunningApi, startApi, useApiStack } from '../support/harness';
import { copyrightNotice } from '../support/takedowns';
import { waitFor } from '../support/wait-for';
import { launchChromium, newDeskContext, openAction, screenshot, signIn } from './desk-browser';

/**
 * The legal desk in a real browser (Debian's Chromium through playwright-core), on the real stack:
 * API, worker, Temporal dev server, PostgreSQL. The test policy pack's clocks are seconds long
 * (test/fixtures/policies/uoozee.yaml: decisions due in 20 s, restore window 3–5 s), so the
 * statutory timers fire while the test watches the page.
 */
describe('the legal desk in Chromium', () => {
  const stack = useApiStack({}, { label: 'desk-browser', keys: { legal: ['legal', 'legal-ines'], agent: ['agent', 'agent-bo'], admin: ['admin', 'admin-root'] } });
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
    // A row with a bare snapshot, as other suites and hand-made rows leave in the shared database:
    // the queue lists it from its clear columns rather than failing the page (it once answered 500).
    await stack.ds.query(
      `INSERT INTO takedowns (id, brand, state, regimes, legal_basis, tier, channel, received_at, snapshot, updated_at)
       VALUES ($1, 'uoozee', 'triage', '{dmca}', 'copyright', 'standard', 'public', now(), '{}', now())`,
      [`takedown-bare${randomUUID().replace(/-/g, '')}`],
    );
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A notice filed as a notifier files it (the public intake, no key): the case ID. */
  async function fileNotice(notice = copyrightNotice()): Promise<string> {
    const res = await stack.http('POST', '/v1/takedowns', { body: notice });
    expect(res.status).toBe(202);
    const id = res.body.caseId as string;
    // In triage in the read model, which the queue lists (the case's own GET may answer from the workflow first).
    await waitFor(async () => ((await stack.http('GET', '/v1/takedowns?status=triage&limit=200', { key: stack.keys.legal })).body?.items ?? []).some((t: { id: string }) => t.id === id), {
      what: `${id} in triage in the queue`,
    });
    return id;
  }

  async function deskPage(): Promise<Page> {
    const context = await newDeskContext(browser, stack.api.baseUrl);
    return context.newPage();
  }

  const stateShown = (page: Page) => page.locator('#case-state').innerText();

  /** Reloads the case page until `probe` holds (the read model and timers move on their own). */
  async function reloadUntil(page: Page, what: string, probe: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
    await waitFor(async () => {
      await page.reload();
      return probe();
    }, { what, timeoutMs, intervalMs: 300 });
  }

  it('a legal user signs in, finds the most urgent case, assigns it, decides, applies and sees the history', async () => {
    const urgent = await fileNotice();
    const later = await fileNotice();
    const page = await deskPage();
    expect(await signIn(page, stack.keys.legal)).toBe(303);
    expect(new URL(page.url()).pathname).toBe('/desk');

    // The queue: next deadline first; the case filed first is due first.
    const rows = page.locator('tbody tr[data-case]');
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case')));
    expect(ids.indexOf(urgent)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(urgent)).toBeLessThan(ids.indexOf(later));
    const deadlines = await page.locator('tbody tr[data-case] td:nth-child(2) time').evaluateAll((ts) => ts.map((t) => Date.parse(t.getAttribute('datetime')!)));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));
    // Filters: by state, and search by ID.
    await page.getByLabel('Case ID').fill(urgent);
    await page.getByLabel('State').selectOption('triage');
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page.locator('tbody tr[data-case]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case')))).resolves.toEqual([urgent]);
    await page.goto('/desk');

    await page.locator(`tr[data-case="${urgent}"] a`).click();
    expect(new URL(page.url()).pathname).toBe(`/desk/takedowns/${urgent}`);
    // The notice with the notifier (legal only), and the clock with what it means.
    const notice = await page.locator('section[aria-labelledby="h-notice"]').innerText();
    expect(notice).toContain('Jane Roe');
    expect(notice).toContain('jane@studio.example');
    expect(await page.locator('section[aria-labelledby="h-clocks"]').innerText()).toMatch(/Decision due[\s\S]*A reviewer must decide by then/);
    expect(await stateShown(page)).toBe('triage');
    expect(await page.locator('#case-next').innerText()).toMatch(/^Assign a reviewer; the decision is due by \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(at risk from /);

    // Assign (to me, the form's default), then decide.
    await (await openAction(page, 'assign')).getByRole('button', { name: 'Assign reviewer' }).click();
    await expect(page.locator('.flash').innerText()).resolves.toBe('Reviewer assigned.');
    expect(await stateShown(page)).toBe('in review');
    expect(await page.locator('#case-reviewer').innerText()).toBe('legal-ines');

    // A refusal the API would give is shown on the page, naming the field: a restriction names its countries.
    let decide = await openAction(page, 'decide');
    await decide.getByLabel('Outcome').selectOption('restrict');
    await decide.getByLabel('Law or terms clause relied on').fill('17 U.S.C. §106(3)');
    await decide.getByLabel('Why the content is illegal or incompatible').fill('Unlicensed distribution of the full episode.');
    await decide.getByLabel('Facts and circumstances relied on').fill('The upload matches the notified episode frame for frame.');
    const [refused] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), decide.getByRole('button', { name: 'Decide' }).click()]);
    expect(refused.status()).toBe(400);
    expect(await page.locator('.error').innerText()).toMatch(/territorialScope: a restriction names the countries it applies in/);
    expect(await stateShown(page)).toBe('in review');

    decide = await openAction(page, 'decide');
    // The refused form comes back filled in; only the outcome changes.
    await expect(decide.getByLabel('Facts and circumstances relied on').inputValue()).resolves.toBe('The upload matches the notified episode frame for frame.');
    await decide.getByLabel('Outcome').selectOption('remove');
    await decide.getByRole('button', { name: 'Decide' }).click();
    await expect(page.locator('.flash').innerText()).resolves.toBe('Decision recorded.');
    expect(await stateShown(page)).toBe('decided');

    await (await openAction(page, 'apply')).getByRole('button', { name: 'Apply the decision' }).click();
    await expect(page.locator('.flash').innerText()).resolves.toMatch(/^Decision applied/);
    expect(await stateShown(page)).toBe('applied');
    const note = (await openAction(page, 'note')).getByLabel('Note');
    await note.fill('Uploader has two earlier strikes; watch for re-uploads.');
    await page.getByRole('button', { name: 'Add a note' }).click();
    await expect(page.locator('.flash').innerText()).resolves.toBe('Note added.');
    expect(await page.locator('section[aria-labelledby="h-notes"]').innerText()).toContain('legal-ines');
    expect(await page.locator('section[aria-labelledby="h-notes"]').innerText()).toContain('watch for re-uploads');
    await screenshot(page, 'desk-case.png');

    // The history with actors and times, and the messages sent.
    await reloadUntil(page, 'apply in the history', async () => (await page.locator('#history').innerText()).includes('apply'));
    const history = await page.locator('#history tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 3).map((td) => td.textContent!.trim())));
    const byLegal = history.filter(([, what]) => ['assign', 'decide', 'apply'].includes(what));
    expect(byLegal.map(([, what, who]) => [what, who])).toEqual([
      ['assign', 'legal-ines'],
      ['decide', 'legal-ines'],
      ['apply', 'legal-ines'],
    ]);
    expect(byLegal.every(([when]) => /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/.test(when))).toBe(true);
    // DMCA: the uploader is notified of the removal (§512(g)(2)(A)).
    await reloadUntil(page, 'the uploader notified', async () => (await page.locator('section[aria-labelledby="h-effects"]').innerText()).includes('dmca notification → uploader'));

    // Back in the queue: the applied case has no decision clock left; the other one, undecided, goes
    // at risk and then overdue as its clock runs (20 s on the test pack), marked at the time of reading.
    await page.goto('/desk');
    await reloadUntil(page, `${urgent} applied in the queue`, async () => (await page.locator(`tr[data-case="${urgent}"] td:nth-child(4)`).innerText()) === 'applied');
    const markOf = (id: string) => page.locator(`tr[data-case="${id}"] td:nth-child(3)`).innerText();
    await reloadUntil(page, `${later} overdue`, async () => (await markOf(later)) === 'Overdue', 30_000);
    expect(await page.locator(`tr[data-case="${later}"]`).getAttribute('class')).toBe('overdue');
    await page.getByLabel('Overdue only').check();
    await page.getByRole('button', { name: 'Filter' }).click();
    const overdue = await page.locator('tbody tr[data-case]').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-case')));
    expect(overdue).toContain(later);
    expect(overdue).not.toContain(urgent);
    await fileNotice(); // one more, on track, for the picture
    await page.goto('/desk');
    // The README's picture is refreshed on request only (UPDATE_DOCS=1), so a test run leaves the tree clean.
    await screenshot(page, 'desk-queue.png', process.env.UPDATE_DOCS === '1' ? resolve(__dirname, '..', '..', 'docs', 'desk-queue.png') : undefined);
    await page.context().close();
  });

  it('a DMCA notice from intake to restoration after a counter-notice, in the browser alone', async () => {
    const id = await fileNotice();
    const page = await deskPage();
    await signIn(page, stack.keys.legal);
    await page.goto(`/desk/takedowns/${id}`);
    await (await openAction(page, 'assign')).getByRole('button', { name: 'Assign reviewer' }).click();
    const decide = await openAction(page, 'decide');
    await decide.getByLabel('Outcome').selectOption('remove');
    await decide.getByLabel('Law or terms clause relied on').fill('17 U.S.C. §106(3)');
    await decide.getByLabel('Why the content is illegal or incompatible').fill('Unlicensed distribution of the full episode.');
    await decide.getByLabel('Facts and circumstances relied on').fill('The upload matches the notified episode frame for frame.');
    await decide.getByRole('button', { name: 'Decide' }).click();
    await (await openAction(page, 'apply')).getByRole('button', { name: 'Apply the decision' }).click();
    expect(await stateShown(page)).toBe('applied');

    // An authority's preservation request: a hold on the items (4 s on the test pack).
    const preserve = await openAction(page, 'preserve');
    await preserve.getByLabel('Requesting authority').fill('Polizei Berlin, LKA 7');
    await preserve.getByLabel('Authority’s reference').fill('LKA7-2026-0412');
    await preserve.getByLabel('Items to preserve').fill('vid_123');
    await preserve.getByRole('button', { name: 'Record a preservation request' }).click();
    await expect(page.locator('.flash').innerText()).resolves.toBe('Preservation hold recorded.');
    // The case page lists holds from the read model, which the hold's workflow writes a moment later.
    await reloadUntil(page, 'the hold listed', async () =>
      /Polizei Berlin, LKA 7 \(LKA7-2026-0412\) · (held|extended|released) · 1 item\(s\)/.test(await page.locator('section[aria-labelledby="h-holds"]').innerText()),
    );

    // §512(g)(3)(C): a counter-notice without the good-faith statement restores nothing; the page names the field.
    let counter = await openAction(page, 'counter-notice');
    await counter.getByLabel('Signature').fill('/Sam Uploader/');
    await counter.getByLabel('Material removed and where it appeared').fill('vid_123 at https://uoozee.example/watch/vid_123');
    await counter.getByLabel('Consents to the federal district court').check();
    await counter.getByLabel('Name').fill('Sam Uploader');
    await counter.getByLabel('Address').fill('1 Main St, Springfield, IL');
    await counter.getByLabel('Telephone').fill('+1 217 555 0100');
    await counter.getByRole('button', { name: 'Record a DMCA counter-notice' }).click();
    expect(await page.locator('.error').innerText()).toContain('goodFaithUnderPenaltyOfPerjury must be true (§512(g)(3)(C))');
    expect(await stateShown(page)).toBe('applied');

    counter = await openAction(page, 'counter-notice');
    await counter.getByLabel('Good-faith belief of mistake').check();
    await counter.getByRole('button', { name: 'Record a DMCA counter-notice' }).click();
    await expect(page.locator('.flash').innerText()).resolves.toMatch(/^Counter-notice recorded/);
    expect(await stateShown(page)).toBe('restore pending');
    // 17 U.S.C. §512(g)(2)(C): restored no sooner than the window opens, unless a suit is reported.
    expect(await page.locator('section[aria-labelledby="h-clocks"]').innerText()).toMatch(/Restore window opens[\s\S]*unless the notifier reports a lawsuit/);

    // The restore timer (3 s on the test pack) fires on its own; the page shows the outcome.
    await reloadUntil(page, 'the case restored', async () => (await stateShown(page)) === 'restored');
    // The restoration's content action is recorded by its own activity, moments after the state.
    await reloadUntil(page, 'the restore action recorded', async () => /remove · 1 item\(s\)[\s\S]*restore · 1 item\(s\)/.test(await page.locator('section[aria-labelledby="h-effects"]').innerText()));
    await reloadUntil(page, 'the counter-notice forwarded', async () => (await page.locator('section[aria-labelledby="h-effects"]').innerText()).includes('counter notice forwarded → notifier'));
    await reloadUntil(page, 'restore in the history', async () => (await page.locator('#history').innerText()).includes('restore'));
    await page.context().close();
  });

  it('refuses keys of other roles (403 page), and a wrong key (401)', async () => {
    const page = await deskPage();
    for (const key of [stack.keys.agent, stack.keys.admin]) {
      expect(await signIn(page, key)).toBe(403);
      expect(await page.locator('main').innerText()).toMatch(/for legal staff/);
      const queue = await page.goto('/desk');
      expect(new URL(page.url()).pathname).toBe('/desk/sign-in'); // no session was opened
      expect(queue?.status()).toBe(200);
    }
    expect(await signIn(page, 'cw_not-a-real-key')).toBe(401);
    expect(await page.locator('.error').innerText()).toMatch(/unknown or revoked/);
    await page.context().close();
  });

  it('refuses a POST without or with a wrong CSRF token (403), and a sign-in form not from the desk', async () => {
    // A notifier's name is whatever they typed: the page shows it as text, never as markup.
    const hostile = `<img src=x onerror="window.__xss=1">Jane`;
    const id = await fileNotice(copyrightNotice({ notifier: { name: hostile, email: 'jane@studio.example', role: 'attorney' } }));
    const page = await deskPage();
    await signIn(page, stack.keys.legal);
    await page.goto(`/desk/takedowns/${id}`);
    expect(await page.locator('section[aria-labelledby="h-notice"] dd').first().innerText()).toBe(hostile);
    expect(await page.evaluate('window.__xss')).toBeUndefined();
    const csrf = await page.locator('#action-assign input[name=_csrf]').inputValue();
    const post = (form: Record<string, string>) => page.request.post(`/desk/takedowns/${id}/actions/assign`, { form, maxRedirects: 0 });

    const without = await post({ reviewer: 'legal-forged' });
    expect(without.status()).toBe(403);
    expect(await without.text()).toMatch(/CSRF/);
    const wrong = await post({ reviewer: 'legal-forged', _csrf: `${csrf.slice(0, -2)}xx` });
    expect(wrong.status()).toBe(403);
    await page.reload();
    expect(await page.locator('#case-reviewer').innerText()).toBe('unassigned'); // neither went through
    const right = await post({ reviewer: 'legal-ines', _csrf: csrf });
    expect(right.status()).toBe(303);
    await page.reload();
    expect(await page.locator('#case-reviewer').innerText()).toBe('legal-ines');

    // Reading a notice on the desk is an access to case data, logged as API reads are.
    const logged: { operation: string; actor: string }[] = await stack.ds.query(`SELECT operation, actor FROM access_log WHERE case_id = $1`, [id]);
    expect(logged).toContainEqual({ operation: 'desk.case', actor: 'legal-ines' });

    // Signing out is a form too.
    expect((await page.request.post('/desk/sign-out', { form: {}, maxRedirects: 0 })).status()).toBe(403);
    // Sign-in without the form's token (login CSRF): refused, no session.
    const anon = await browser.newContext({ baseURL: stack.api.baseUrl });
    const forged = await anon.request.post('/desk/sign-in', { form: { key: stack.keys.legal }, maxRedirects: 0 });
    expect(forged.status()).toBe(400);
    expect(forged.headers()['set-cookie'] ?? '').not.toMatch(/caseworks_desk=/);
    await anon.close();

    // The session cookie: HttpOnly, SameSite=Strict, Path=/desk (not Secure on this loopback origin).
    const cookie = (await page.context().cookies()).find((c) => c.name === 'caseworks_desk')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/desk' });
    expect(cookie.value).not.toContain(stack.keys.legal);
    // Every desk page carries a strict Content-Security-Policy.
    const res = await page.goto('/desk');
    expect(res?.headers()['content-security-policy']).toMatch(/default-src 'none'; style-src 'nonce-[^']+'; script-src 'nonce-[^']+'/);
    await page.context().close();
  });

  it('is keyboard-usable with a visible focus, and fits a tablet without sideways scrolling', async () => {
    const id = await fileNotice();
    const context = await newDeskContext(browser, stack.api.baseUrl, { width: 820, height: 1180 });
    const page = await context.newPage();
    await signIn(page, stack.keys.legal);
    // Keyboard only: the skip link first, then through the filters to the case's link, and Enter opens it.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.textContent')).toBe('Skip to content');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    expect(outline).toBe('solid');
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate(`document.activeElement.closest('tr')?.getAttribute('data-case') ?? null`)) === id;
    }
    expect(reached).toBe(true);
    await Promise.all([page.waitForURL(`**/desk/takedowns/${id}`), page.keyboard.press('Enter')]);
    // Every visible input, select and textarea on the case page has a label.
    const unlabelled = await page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter((el) => el.labels.length === 0).map((el) => el.outerHTML)`);
    expect(unlabelled).toEqual([]);
    const widths: string[] = [];
    for (const [path, shot] of [['/desk', 'desk-queue-tablet.png'], [`/desk/takedowns/${id}`, 'desk-case-tablet.png'], ['/desk/transparency', 'desk-transparency-tablet.png']]) {
      await page.goto(path);
      await screenshot(page, shot);
      widths.push(`${path}: ${String(await page.evaluate('document.documentElement.scrollWidth'))}`);
    }
    expect(widths).toEqual(['/desk: 820', `/desk/takedowns/${id}: 820`, '/desk/transparency: 820']);
    await context.close();
  });

  it('signing out ends the session, for a copy of its cookie taken before too', async () => {
    const context = await newDeskContext(browser, stack.api.baseUrl);
    const page = await context.newPage();
    expect(await signIn(page, stack.keys.legal)).toBe(303);
    const token = (await context.cookies()).find((c) => c.name === 'caseworks_desk')!.value;
    const withCopy = () => fetch(`${stack.api.baseUrl}/desk`, { headers: { cookie: `caseworks_desk=${token}` }, redirect: 'manual' });
    expect((await withCopy()).status).toBe(200);
    await Promise.all([page.waitForURL('**/desk/sign-in?signedOut=1'), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect(await page.locator('.flash').innerText()).toBe('You are signed out.');
    expect((await context.cookies()).find((c) => c.name === 'caseworks_desk')).toBeUndefined();
    // The copy, still within its idle timeout, is refused: the sign-out is on the server's list.
    const refused = await withCopy();
    expect([refused.status, refused.headers.get('location')]).toEqual([303, '/desk/sign-in?signedOut=1']);
    await context.close();
  });

  describe('with a short idle timeout', () => {
    let shortApi: RunningApi;
    beforeAll(async () => {
      shortApi = await startApi({ ...stack.config, DESK_IDLE_TIMEOUT_SECONDS: 2 });
    });
    afterAll(async () => {
      await shortApi?.stop();
    });

    it('an idle session expires: the next page asks to sign in again', async () => {
      const context = await newDeskContext(browser, shortApi.baseUrl);
      const page = await context.newPage();
      expect(await signIn(page, stack.keys.legal)).toBe(303);
      expect(new URL(page.url()).pathname).toBe('/desk');
      const token = (await context.cookies()).find((c) => c.name === 'caseworks_desk')!.value;
      // Polls with the session as it stands (a request with it would restart its idle clock only in the answer's new cookie).
      await waitFor(async () => {
        const res = await fetch(`${shortApi.baseUrl}/desk`, { headers: { cookie: `caseworks_desk=${token}` }, redirect: 'manual' });
        return res.status === 303 && (res.headers.get('location') ?? '').includes('expired=1');
      }, { what: 'the idle session to expire', timeoutMs: 15_000, intervalMs: 250 });
      await page.goto('/desk');
      expect(new URL(page.url()).pathname).toBe('/desk/sign-in');
      expect(await page.locator('.flash').innerText()).toBe('Your session expired. Sign in again.');
      await context.close();
    });
  });

  it('the published transparency report is a public page; the desk has the report and its CSV', async () => {
    await storeTransparencySnapshot(stack.ds, await computeTransparencyCounts(stack.ds, 2011), 'desk-browser-test');
    const anon = await newDeskContext(browser, stack.api.baseUrl, { width: 820, height: 1180 }); // a tablet, no key, no session
    const page = await anon.newPage();
    const res = await page.goto('/transparency?year=2011');
    expect(res?.status()).toBe(200);
    expect(await page.locator('h1').innerText()).toBe('Public transparency report 2011');
    expect(await page.locator('#report').innerText()).toMatch(/Notices/);
    await page.goto('/transparency?year=2012');
    expect(await page.locator('main').innerText()).toContain('No report has been published for 2012 yet.');
    await anon.close();

    const desk = await deskPage();
    await signIn(desk, stack.keys.legal);
    await desk.goto('/desk/transparency?year=2011');
    const [download] = await Promise.all([desk.waitForEvent('download'), desk.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('transparency-2011.csv');
    const csv = await (await download.createReadStream()).toArray();
    expect(Buffer.concat(csv).toString('utf8')).toMatch(/^section,key,value\n/);
    await desk.context().close();
  });
});
