import { generateKeyPair, SignJWT, decodeProtectedHeader, decodeJwt } from 'jose';
import type { AppConfig } from '../../src/config/config.schema';
import { jsonOf, jsonPayload, JsonPayload } from '../support/codec';
import { RunningApi, startApi, testConfig } from '../support/harness';
import { httpClient } from '../support/http';
import { OTHER_RESOURCE, signInThroughApi, startTestIdp, TestIdp } from '../support/oidc';
import { waitFor } from '../support/wait-for';

/**
 * People sign in with an OpenID provider: a real one (oidc-provider, scripts/dev-idp.mjs) runs as
 * a child process; the API fetches its discovery document and JWKS over HTTP and checks every token.
 */
describe('OIDC access tokens and sign-in', () => {
  let idp: TestIdp;
  let config: AppConfig;
  let api: RunningApi;
  let http: ReturnType<typeof httpClient>;

  beforeAll(async () => {
    idp = await startTestIdp();
    config = testConfig({
      OIDC_ISSUER_URL: idp.issuer,
      OIDC_AUDIENCE: 'caseworks-api',
      OIDC_ROLE_MAP: 'support-tier1=agent',
      OIDC_RESOURCE: 'urn:caseworks:api',
      OIDC_CLOCK_TOLERANCE_SECONDS: '0',
    });
    api = await startApi(config);
    http = httpClient(api.baseUrl);
  });
  afterAll(async () => {
    await api?.stop();
    await idp?.stop();
  });

  const notice = (kind: string, caseId: string, value: unknown) => jsonPayload(value, { 'caseworks-kind': kind, 'caseworks-case': caseId });
  const sealedTakedown = async (token: string): Promise<JsonPayload[]> => {
    const res = await http('POST', '/codec/encode', { key: token, body: { payloads: [notice('takedownWorkflow', 'takedown-oidc-1', { notifier: { name: 'Jane Roe', email: 'jane@studio.example' } })] } });
    expect(res.status).toBe(200);
    return res.body.payloads;
  };

  it('a token with a mapped role reads what its role may, and only that', async () => {
    const legal = await idp.clientToken('script-legal');
    const sre = await idp.clientToken('script-sre');
    expect((await http('GET', '/v1/takedowns', { key: legal })).status).toBe(200);
    const refused = await http('GET', '/v1/takedowns', { key: sre });
    expect(refused.status).toBe(403);
    expect(refused.body.role).toBe('sre');

    const sealed = await sealedTakedown(sre);
    const asLegal = await http('POST', '/codec/decode', { key: legal, body: { payloads: sealed } });
    expect(asLegal.status).toBe(200);
    expect(jsonOf(asLegal.body.payloads[0])).toEqual({ notifier: { name: 'Jane Roe', email: 'jane@studio.example' } });
    const asSre = await http('POST', '/codec/decode', { key: sre, body: { payloads: sealed } });
    expect(asSre.status).toBe(200);
    expect(asSre.body.payloads[0].data).toBe(sealed[0].data); // left sealed: not an SRE's case kind
  });

  it('refuses a token for another audience, a forged signature, an unsigned token and an expired one (401, counted)', async () => {
    const foreign = await idp.clientToken('script-legal', OTHER_RESOURCE);
    expect(decodeJwt(foreign).aud).toBe('other-api');
    const good = await idp.clientToken('script-legal');

    // The same claims and key ID, signed with a key the IdP never published.
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT(decodeJwt(good)).setProtectedHeader(decodeProtectedHeader(good) as { alg: string }).sign(privateKey);
    const [header, payload] = good.split('.');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt' })).toString('base64url')}.${payload}.AA`;
    const swapped = `${header}.${Buffer.from(JSON.stringify({ ...decodeJwt(good), caseworks_roles: ['admin'] })).toString('base64url')}.${good.split('.')[2]}`;

    for (const token of [foreign, forged, unsigned, swapped]) {
      const res = await http('GET', '/v1/takedowns', { key: token });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.headers.get('x-ratelimit-remaining-auth-failures')).not.toBeNull();
    }
    expect((await http('GET', '/v1/takedowns', { key: good })).status).toBe(200);

    // Tokens of this client live one second; the API allows no clock tolerance in this test.
    const shortLived = await idp.clientToken('script-short-lived');
    const exp = decodeJwt(shortLived).exp!;
    await waitFor(async () => Date.now() / 1000 > exp, { what: 'short-lived token past its exp' });
    const expired = await http('POST', '/codec/decode', { key: shortLived, body: { payloads: [] } });
    expect(expired.status).toBe(401);
  });

  it('a valid token whose role claim maps to no role is a 403 naming the claim', async () => {
    const res = await http('GET', '/v1/takedowns', { key: await idp.clientToken('script-norole') });
    expect(res.status).toBe(403);
    expect(res.body.claim).toBe('caseworks_roles');
    expect(res.body.detail).toContain('caseworks_roles');
  });

  it('a person signs in through the authorization-code flow; the cookie opens /codec for the Temporal UI, as them', async () => {
    const { callback, jar, steps } = await signInThroughApi(api.baseUrl, 'lee-legal');
    expect(steps).toEqual(expect.arrayContaining(['form login', 'form consent', 'redirect /auth/callback']));
    expect(callback.status).toBe(200);
    expect(await callback.json()).toMatchObject({ signedInAs: 'lee-legal', role: 'legal' });
    const setCookie = callback.headers.getSetCookie().find((c) => c.startsWith('caseworks_session='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\/codec/i);

    // The browser's preflight for the headers the UI sends (2.42.1; Authorization-Extras: the
    // person's ID token, with passAccessToken): one the API refused failed every decode in Chromium.
    const preflight = await fetch(`${api.baseUrl}/codec/decode`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,authorization-extras,content-type,x-namespace' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(preflight.headers.get('access-control-allow-headers')?.split(',')).toEqual(expect.arrayContaining(['authorization', 'authorization-extras', 'content-type', 'x-namespace']));

    // The browser (the Temporal UI's page on :8233, "include cross-origin credentials") sends the cookie.
    const sealed = await sealedTakedown(await idp.clientToken('script-sre'));
    const decodeUrl = `${api.baseUrl}/codec/decode`;
    const cookie = jar.header(new URL(decodeUrl));
    expect(cookie).toContain('caseworks_session=');
    const res = await fetch(decodeUrl, {
      method: 'POST',
      headers: { cookie: cookie!, origin: 'http://127.0.0.1:8233', 'content-type': 'application/json', 'x-namespace': 'default' },
      body: JSON.stringify({ payloads: sealed }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:8233');
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    expect(jsonOf(((await res.json()) as { payloads: JsonPayload[] }).payloads[0])).toEqual({ notifier: { name: 'Jane Roe', email: 'jane@studio.example' } });

    // The cookie is for /codec only: the rest of the API still wants a bearer credential.
    expect(jar.header(new URL(`${api.baseUrl}/v1/takedowns`)) ?? '').not.toContain('caseworks_session');
    // Without the cookie the same request is anonymous.
    expect((await http('POST', '/codec/decode', { body: { payloads: sealed } })).status).toBe(401);
  });

  it('maps an IdP group to a role, takes the brand claim, and refuses to sign in a person without a role (403)', async () => {
    const grouped = await signInThroughApi(api.baseUrl, 'gus-group');
    expect(grouped.callback.status).toBe(200);
    expect(await grouped.callback.json()).toMatchObject({ signedInAs: 'gus-group', role: 'agent', brand: null });
    const branded = await signInThroughApi(api.baseUrl, 'una-uoozee');
    expect(await branded.callback.json()).toMatchObject({ signedInAs: 'una-uoozee', role: 'agent', brand: 'uoozee' });

    const noRole = await signInThroughApi(api.baseUrl, 'nia-norole');
    expect(noRole.callback.status).toBe(403);
    expect(noRole.jar.get('caseworks_session')).toBeUndefined();
  });

  it('a callback without the sign-in started in this browser is refused (400 naming state)', async () => {
    const res = await http('GET', '/auth/callback?code=abc&state=forged');
    expect(res.status).toBe(400);
    expect(res.body.errors[0].field).toBe('state');
  });

  it('answers 503 naming the identity provider while it cannot be reached, not 500', async () => {
    const other = await startTestIdp();
    const token = await other.clientToken('script-legal');
    const offline = await startApi(testConfig({ OIDC_ISSUER_URL: other.issuer }));
    try {
      await other.stop();
      const res = await httpClient(offline.baseUrl)('GET', '/v1/takedowns', { key: token });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ type: expect.stringContaining('dependency-unavailable'), dependency: 'identity-provider' });
      expect(res.headers.get('retry-after')).not.toBeNull();
    } finally {
      await offline.stop();
    }
  });
});
