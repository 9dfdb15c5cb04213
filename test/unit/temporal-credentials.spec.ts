import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { temporalCredentialsFrom } from '../../src/temporal/temporal-credentials';
import { waitFor } from '../support/wait-for';

/**
 * The Temporal token of a Caseworks process (src/temporal/temporal-credentials.ts) against a
 * small OAuth server that speaks discovery and the client_credentials grant and counts requests.
 */
describe('Temporal credentials (client_credentials, renewed)', () => {
  let server: Server;
  let issuer: string;
  const seen: { auth: string | undefined; body: URLSearchParams }[] = [];
  let failNext = 0;
  let expiresIn = 3600;

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ issuer, token_endpoint: `${issuer}/token` }));
        return;
      }
      const body = new URLSearchParams(await text(req));
      seen.push({ auth: req.headers.authorization, body });
      res.setHeader('content-type', 'application/json');
      if (failNext > 0) {
        failNext--;
        res.statusCode = 401;
        res.end(JSON.stringify({ error: 'invalid_client', error_description: 'secret s3cr3t is wrong' }));
        return;
      }
      res.end(JSON.stringify({ access_token: `token-${seen.length}`, expires_in: expiresIn, token_type: 'Bearer' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));
  beforeEach(() => {
    seen.length = 0;
    failNext = 0;
    expiresIn = 3600;
  });

  const settings = () => ({ OIDC_ISSUER_URL: issuer, TEMPORAL_OIDC_CLIENT_ID: 'caseworks-worker', TEMPORAL_OIDC_CLIENT_SECRET: 's3cr3t', TEMPORAL_OIDC_RESOURCE: 'urn:temporal:cluster' });

  it('is null without a client (the dev server asks for no token)', async () => {
    expect(await temporalCredentialsFrom({ ...settings(), TEMPORAL_OIDC_CLIENT_ID: undefined, TEMPORAL_OIDC_CLIENT_SECRET: undefined })).toBeNull();
    expect(seen).toHaveLength(0);
  });

  it('asks for the cluster resource with HTTP Basic client authentication', async () => {
    const credentials = (await temporalCredentialsFrom(settings()))!;
    try {
      expect(credentials.token()).toBe('token-1');
      expect(seen[0].auth).toBe(`Basic ${Buffer.from('caseworks-worker:s3cr3t').toString('base64')}`);
      expect(Object.fromEntries(seen[0].body)).toEqual({ grant_type: 'client_credentials', resource: 'urn:temporal:cluster', scope: 'temporal' });
    } finally {
      credentials.stop();
    }
  });

  it('renews before expiry and hands each new token to the listeners', async () => {
    expiresIn = 2; // renewed after 1.5 s
    const credentials = (await temporalCredentialsFrom(settings()))!;
    const renewed: string[] = [];
    credentials.onRenew((t) => void renewed.push(t));
    try {
      await waitFor(() => renewed.length >= 2, { timeoutMs: 10_000, what: 'two renewals' });
      expect(renewed.slice(0, 2)).toEqual(['token-2', 'token-3']);
      expect(credentials.token()).toBe(renewed[renewed.length - 1]);
    } finally {
      credentials.stop();
    }
  });

  it('waits for an IdP that refuses at first, and says why without the secret', async () => {
    failNext = 2;
    const warnings: string[] = [];
    const credentials = (await temporalCredentialsFrom(settings(), (m) => warnings.push(m)))!;
    try {
      expect(credentials.token()).toBe('token-3');
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('401 invalid_client');
      expect(warnings.join(' ')).not.toContain('s3cr3t');
    } finally {
      credentials.stop();
    }
  }, 20_000);
});

function text(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let s = '';
    req.on('data', (d: Buffer) => (s += d.toString()));
    req.on('end', () => resolve(s));
  });
}
