import { request } from 'node:http';
import type { DataSource } from 'typeorm';
import { createKey, openDataSource, RunningApi, startApi, testConfig } from '../support/harness';
import { httpClient, HttpResult } from '../support/http';

const LIMIT = 5;

/** A GET from a chosen local address (any 127.x.y.z reaches the API on 127.0.0.1): another client, as the socket sees it. */
function getFrom(baseUrl: string, localAddress: string, path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, { method: 'GET', headers, localAddress }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Failed authentication is counted per client address: 401s, then 429 + Retry-After. */
describe('failed authentication is rate limited per client address', () => {
  let ds: DataSource;
  let agentKey: string;

  beforeAll(async () => {
    ds = await openDataSource(testConfig());
    agentKey = await createKey(ds, 'agent', 'auth-limit-agent');
  });
  afterAll(async () => {
    await ds?.destroy();
  });

  /** An API of its own (its own counts), with a small limit so the burst is short. */
  const withApi = (overrides: Record<string, string>, run: (api: RunningApi) => Promise<void>) => async () => {
    const api = await startApi(testConfig({ AUTH_FAILURE_LIMIT_PER_MINUTE: String(LIMIT), ...overrides }));
    try {
      await run(api);
    } finally {
      await api.stop();
    }
  };

  const garbage = (i: number) => `cw_garbage_${i}_${'x'.repeat(20)}`;

  it(
    'a burst of garbage keys: LIMIT answers 401 counting down, then 429 with Retry-After, even for a valid key from that address',
    withApi({}, async (api) => {
      const http = httpClient(api.baseUrl);
      // No credentials at all is not a guess: it does not count.
      for (let i = 0; i < LIMIT + 2; i++) expect((await http('GET', '/v1/tickets?limit=1')).status).toBe(401);

      const burst: HttpResult[] = [];
      for (let i = 0; i < LIMIT + 5; i++) burst.push(await http('GET', '/v1/tickets?limit=1', { key: garbage(i) }));
      expect(burst.map((r) => r.status)).toEqual([...Array(LIMIT).fill(401), ...Array(5).fill(429)]);
      expect(burst.slice(0, LIMIT).map((r) => r.headers.get('x-ratelimit-remaining-auth-failures'))).toEqual(['4', '3', '2', '1', '0']);
      expect(burst[0].headers.get('x-ratelimit-limit-auth-failures')).toBe(String(LIMIT));

      const limited = burst[LIMIT];
      expect(limited.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(limited.body).toMatchObject({ status: 429, type: 'https://caseworks.dev/problems/rate-limited' });
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // A malformed Authorization header is a failed attempt too, and the address stays blocked for any key.
      expect((await http('GET', '/v1/tickets?limit=1', { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).status).toBe(429);
      expect((await http('GET', '/v1/tickets?limit=1', { key: agentKey })).status).toBe(429);

      // Another address is not affected: its valid key works, with the per-key limiter's headers.
      const other = await getFrom(api.baseUrl, '127.0.0.2', '/v1/tickets?limit=1', { authorization: `Bearer ${agentKey}` });
      expect(other.status).toBe(200);
      expect(other.headers['x-ratelimit-limit']).toBe('600');
      expect(other.headers['x-ratelimit-remaining']).toBeDefined();
      // …and that success does not reset the blocked address's count.
      expect((await http('GET', '/v1/tickets?limit=1', { key: garbage(99) })).status).toBe(429);
    }),
  );

  it(
    'without a trusted proxy, spoofed X-Forwarded-For values are ignored: the socket address is counted',
    withApi({}, async (api) => {
      const http = httpClient(api.baseUrl);
      const statuses: number[] = [];
      for (let i = 0; i < LIMIT + 3; i++) {
        statuses.push((await http('GET', '/v1/tickets?limit=1', { key: garbage(i), headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } })).status);
      }
      expect(statuses).toEqual([...Array(LIMIT).fill(401), 429, 429, 429]);
    }),
  );

  it(
    'with TRUSTED_PROXIES=127.0.0.1, each forwarded client is counted on its own; a valid key from another client works',
    withApi({ TRUSTED_PROXIES: '127.0.0.1' }, async (api) => {
      const http = httpClient(api.baseUrl);
      const from = (client: string, key: string) => http('GET', '/v1/tickets?limit=1', { key, headers: { 'x-forwarded-for': client } });
      const attacker: number[] = [];
      for (let i = 0; i < LIMIT + 2; i++) attacker.push((await from('203.0.113.7', garbage(i))).status);
      expect(attacker).toEqual([...Array(LIMIT).fill(401), 429, 429]);

      // A proxy chain: the client is the address the trusted proxy saw, not what the client claimed before it.
      expect((await http('GET', '/v1/tickets?limit=1', { key: garbage(50), headers: { 'x-forwarded-for': '10.9.9.9, 203.0.113.7' } })).status).toBe(429);

      expect((await from('203.0.113.8', garbage(100))).status).toBe(401);
      expect((await from('203.0.113.9', agentKey)).status).toBe(200);
      expect((await from('203.0.113.7', agentKey)).status).toBe(429);
    }),
  );
});
