import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * The development OpenID provider (scripts/dev-idp.mjs, oidc-provider 9) as a child process on a
 * free port: jest cannot import oidc-provider (ESM only), and a separate process is what the API
 * meets in production anyway — discovery, JWKS and tokens over HTTP.
 */
export interface TestIdp {
  issuer: string;
  /** A token from the client_credentials grant of one of the IdP's machine clients (`script-sre`, …). */
  clientToken(clientId: string, resource?: string): Promise<string>;
  stop(): Promise<void>;
}

export const CASEWORKS_RESOURCE = 'urn:caseworks:api';
export const OTHER_RESOURCE = 'urn:other:api';
const MACHINE_SECRET = 'dev-secret-not-for-production';

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

export async function startTestIdp(): Promise<TestIdp> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(__dirname, '..', '..', 'scripts', 'dev-idp.mjs')], {
    env: { ...process.env, IDP_PORT: String(port), IDP_HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const issuer = await new Promise<string>((done, fail) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      try {
        const event = JSON.parse(line) as { event?: string; issuer?: string };
        if (event.event === 'ready' && event.issuer) done(event.issuer);
      } catch {
        // not our line
      }
    });
    child.once('exit', (code) => fail(new Error(`dev-idp exited (${code}) before it was ready: ${stderr}`)));
  });
  const stopChild = (proc: ChildProcess) =>
    new Promise<void>((done) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return done();
      proc.once('exit', () => done());
      proc.kill('SIGTERM');
    });
  return {
    issuer,
    async clientToken(clientId, resource = CASEWORKS_RESOURCE) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${clientId}:${MACHINE_SECRET}`).toString('base64')}`,
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'caseworks', resource }),
      });
      const body = (await res.json()) as { access_token?: string; error?: string };
      if (!res.ok || !body.access_token) throw new Error(`client_credentials for ${clientId} failed: ${res.status} ${body.error}`);
      return body.access_token;
    },
    stop: () => stopChild(child),
  };
}

interface StoredCookie {
  name: string;
  value: string;
  host: string;
  path: string;
}

/**
 * Cookies as a browser keeps them for http loopback hosts: by host name and path, not by port
 * (the IdP on :3001 and the API on :3000 are the same site), so the flow below meets the same
 * cookie rules as a person's browser.
 */
export class CookieJar {
  private readonly cookies: StoredCookie[] = [];

  store(url: URL, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      const attr = (key: string) => attrs.find((a) => a.toLowerCase().startsWith(`${key}=`))?.slice(key.length + 1);
      const path = attr('path') ?? url.pathname.replace(/\/[^/]*$/, '') ?? '/';
      const expired = value === '' || attr('max-age') === '0' || (attr('expires') !== undefined && Date.parse(attr('expires')!) <= Date.now());
      const existing = this.cookies.findIndex((c) => c.name === name && c.host === url.hostname && c.path === path);
      if (existing >= 0) this.cookies.splice(existing, 1);
      if (!expired) this.cookies.push({ name, value, host: url.hostname, path: path || '/' });
    }
  }

  header(url: URL): string | undefined {
    const matching = this.cookies.filter((c) => c.host === url.hostname && (url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`)));
    return matching.length > 0 ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  get(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }
}

/** A browser's GET or form POST: cookies sent and stored, redirects not followed (the caller walks them). */
export async function browserRequest(jar: CookieJar, url: string, form?: Record<string, string>): Promise<Response> {
  const target = new URL(url);
  const cookie = jar.header(target);
  const res = await fetch(target, {
    method: form ? 'POST' : 'GET',
    redirect: 'manual',
    headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form) : undefined,
  });
  jar.store(target, res);
  return res;
}

/**
 * A person signing in through the API's GET /auth/sign-in: the real authorization-code + PKCE
 * flow over HTTP — the API redirects to the IdP, the IdP's login form is posted with the
 * account's login, its consent form is posted, the IdP redirects to the API's callback with a
 * code, and the API exchanges it and sets its session cookie. Returns the callback's answer and
 * the jar (which then holds the API's session cookie, as the browser would).
 */
export async function signInThroughApi(apiBaseUrl: string, login: string): Promise<{ callback: Response; jar: CookieJar; steps: string[] }> {
  return signInAt(`${apiBaseUrl}/auth/sign-in`, `${apiBaseUrl}/auth/callback`, login);
}

/**
 * The same walk for any relying party of the dev IdP: from `startUrl` (which redirects to the
 * IdP) through the login and consent forms to the relying party's `callbackUrl`, whose answer is
 * returned with the jar (e.g. the Temporal UI server's sign-in, test/cluster/).
 */
export async function signInAt(startUrl: string, callbackUrl: string, login: string): Promise<{ callback: Response; jar: CookieJar; steps: string[] }> {
  const jar = new CookieJar();
  const steps: string[] = [];
  let res = await browserRequest(jar, startUrl);
  let url = startUrl;
  for (let hop = 0; hop < 20; hop++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).toString();
      steps.push(`redirect ${new URL(url).pathname}`);
      if (url.startsWith(callbackUrl)) return { callback: await browserRequest(jar, url), jar, steps };
      res = await browserRequest(jar, url);
      continue;
    }
    if (res.status !== 200) throw new Error(`sign-in stopped at ${url}: ${res.status} ${await res.text()}`);
    const page = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (!action || !prompt) throw new Error(`no form at ${url}`);
    steps.push(`form ${prompt}`);
    const fields: Record<string, string> = prompt === 'login' ? { prompt, login, password: 'any' } : { prompt };
    url = new URL(action.replace(/&amp;/g, '&'), url).toString();
    res = await browserRequest(jar, url, fields);
  }
  throw new Error('sign-in did not reach the callback in 20 steps');
}
