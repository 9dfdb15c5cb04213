import { Client, Connection } from '@temporalio/client';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import { crashRecovery } from '../../bench/harness/crash-recovery';
import { loadConfig } from '../../src/config/load-config';
import type { AppConfig } from '../../src/config/config.schema';
import { dataConverterFor } from '../../src/temporal/temporal-options';
import { clusterServiceToken, startCluster, RunningCluster } from '../support/cluster';
import { createKey, openDataSource } from '../support/harness';
import { httpClient } from '../support/http';
import { CookieJar, signInAt } from '../support/oidc';
import { trustedTestSigner } from '../support/trusted-signer';
import { waitFor } from '../support/wait-for';
import { screenshot } from '../browser/desk-browser';
import { chromiumTrusting, signInToUi, terminateInUi } from './ui-browser';

/**
 * `make cluster` from the outside: the production topology (Temporal server 1.29.1 on PostgreSQL
 * in three processes, JWT authorization, the UI server behind sign-in, two APIs behind the round
 * robin, two workers) started by its script, then used as people and clients use it.
 */
describe('make cluster (the production topology)', () => {
  let cluster: RunningCluster;
  let config: AppConfig;
  let ds: DataSource;
  let temporal: Client;

  beforeAll(async () => {
    cluster = await startCluster();
    config = loadConfig({ ...process.env, ...cluster.env, TEMPORAL_ADDRESS: cluster.temporalAddress, NODE_ENV: 'test' });
    ds = await openDataSource(config);
    // As a service of the organisation would: its own client_credentials token for the cluster.
    const connection = await Connection.connect({ address: cluster.temporalAddress, tls: false, apiKey: await clusterServiceToken(cluster, 'caseworks-api') });
    temporal = new Client({ connection, namespace: 'default', dataConverter: dataConverterFor(config, { identity: trustedTestSigner }) });
  }, 9 * 60_000);

  afterAll(async () => {
    await temporal?.connection.close();
    await ds?.destroy();
    await cluster?.stop();
  }, 120_000);

  it('runs on a dynamic config whose every key the server knows', () => {
    // The server ignores an unknown key with a warning only: a misspelt tuning would silently do nothing.
    const root = resolve(__dirname, '..', '..');
    const out = execFileSync(resolve(root, '.tools/bin/temporal-server'), ['validate-dynamic-config', resolve(root, 'deploy/temporal/dynamicconfig/caseworks.yaml')], { encoding: 'utf8' });
    expect(out).toContain('caseworks.yaml');
    expect(out).not.toMatch(/^\s*(warning|error)/im); // its findings, one per line under the file's name
  });

  it('refuses Temporal callers without a token, and tokens without permission on the namespace', async () => {
    const anonymous = await Connection.connect({ address: cluster.temporalAddress });
    try {
      await expect(anonymous.workflowService.listWorkflowExecutions({ namespace: 'default' })).rejects.toMatchObject({ code: 7 }); // PERMISSION_DENIED
    } finally {
      await anonymous.close();
    }
    // A genuine token of the same IdP, for a client the cluster gives no permission.
    const unpermitted = await Connection.connect({ address: cluster.temporalAddress, tls: false, apiKey: await clusterServiceToken(cluster, 'script-agent') });
    try {
      await expect(unpermitted.workflowService.listWorkflowExecutions({ namespace: 'default' })).rejects.toMatchObject({ code: 7 });
    } finally {
      await unpermitted.close();
    }
  });

  it('serves the HTTP API through the round robin: both APIs answer; a ticket opens, is read, answered and resolved', async () => {
    const http = httpClient(cluster.apiUrl);
    const agent = await createKey(ds, 'agent', 'cluster-agent');
    const opened = await openTicket(http, agent, 'smoke');
    const id = opened.id as string;
    expect(opened.entitlement.status).toBe('verified');
    const read = await http('GET', `/v1/tickets/${id}`, { key: agent });
    expect(read.status).toBe(200);
    expect(read.body.nextDeadlineAt).toBe(opened.nextDeadlineAt);
    expect((await http('POST', `/v1/tickets/${id}/reply`, { key: agent, body: { message: 'Looking into it.' } })).status).toBe(200);
    expect((await http('POST', `/v1/tickets/${id}/resolve`, { key: agent, body: { resolution: 'Answered on the cluster' } })).status).toBe(200);
    await waitFor(async () => (await http('GET', `/v1/tickets/${id}`, { key: agent })).body.status === 'resolved', { what: 'the ticket resolved' });
    // Each API process took some of the connections (the balancer hands them out in turn).
    for (let i = 0; i < 6; i++) expect((await http('GET', '/health/ready')).status).toBe(200);
    const served = ['api-1', 'api-2'].map((name) => (cluster.log(name).match(/"url":"\/v1\/tickets/g) ?? []).length + (cluster.log(name).match(/"path":"\/v1\/tickets/g) ?? []).length);
    expect(served.every((n) => n > 0)).toBe(true);
    // Both workers run the bundle `npm run build` made, as in production (bundling at start cost each
    // worker tens of seconds of CPU after "ready": the first actions then ran out of their budget).
    for (const name of ['worker-1', 'worker-2']) {
      const started = cluster.log(name).split('\n').filter((line) => line.includes('"worker started"'));
      expect(started.length).toBeGreaterThan(0);
      for (const line of started) expect(line).toMatch(/"bundle":"[^"]*\/dist\/workflow-bundle\.js"/);
      // On jemalloc, as the image's worker (scripts/worker-allocator.sh; make installs libjemalloc2).
      const malloc = cluster.log(name).split('\n').filter((line) => line.includes('"msg":"malloc: '));
      expect(malloc.length).toBeGreaterThan(0);
      for (const line of malloc) expect(line).toMatch(/"allocator":"jemalloc"/);
    }
  });

  it('puts the Temporal UI behind sign-in: a read-only person may look, not act; an SRE may act; the codec decodes with their token', async () => {
    const anonymous = await fetch(`${cluster.uiUrl}/api/v1/namespaces/default/workflows`);
    expect(anonymous.status).toBe(401);

    const caseId = (await openTicket(httpClient(cluster.apiUrl), await createKey(ds, 'agent', 'cluster-ui'), 'ui')).id as string;
    const signal = (token: string) =>
      fetch(`${cluster.uiUrl}/api/v1/namespaces/default/workflows/${caseId}/signal/caseworks-cluster-test`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({}),
      });

    const reader = await uiSignIn(cluster, 'ann-agent');
    expect(reader.claims.permissions).toEqual(['temporal-system:read', 'default:read']);
    const list = await fetch(`${cluster.uiUrl}/api/v1/namespaces/default/workflows`, { headers: { authorization: `Bearer ${reader.token}` } });
    expect(list.status).toBe(200);
    expect(((await list.json()) as { executions: unknown[] }).executions.length).toBeGreaterThan(0);
    // The UI's first calls are cluster-scoped (a 403 on either sends the person back to its login page).
    for (const call of ['namespaces', 'cluster-info']) expect((await fetch(`${cluster.uiUrl}/api/v1/${call}`, { headers: { authorization: `Bearer ${reader.token}` } })).status).toBe(200);
    const refused = await signal(reader.token);
    expect(refused.status).toBe(403);

    const sre = await uiSignIn(cluster, 'sam-sre');
    expect(sre.claims.permissions).toEqual(['temporal-system:read', 'default:write']);
    expect((await signal(sre.token)).status).toBe(200);

    // The UI hands the codec endpoint the person's token for the cluster (passAccessToken).
    const history = await temporal.workflowService.getWorkflowExecutionHistory({ namespace: 'default', execution: { workflowId: caseId } });
    const payloads = history.history!.events![0].workflowExecutionStartedEventAttributes!.input!.payloads!;
    const toJson = (p: (typeof payloads)[number]) => ({ metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')])), data: Buffer.from(p.data ?? []).toString('base64') });
    const decode = (token?: string) =>
      fetch(`${cluster.apiUrl}/codec/decode`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ payloads: payloads.map(toJson) }),
      });
    expect((await decode()).status).toBe(401);
    const decoded = await decode(reader.token);
    expect(decoded.status).toBe(200);
    const body = (await decoded.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    expect(Buffer.from(body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
    // Elsewhere in the API the cluster's token is not a Caseworks token (its audience is the cluster's).
    expect((await fetch(`${cluster.apiUrl}/v1/tickets`, { headers: { authorization: `Bearer ${reader.token}` } })).status).toBe(401);
  });

  it('in Chromium: the UI asks to sign in; a read-only person lists and reads cases, decoded with their token, and cannot terminate; an SRE can', async () => {
    // Unique, and without a long run of digits: a 13-digit Date.now() that passes the Luhn check
    // (1 in 10) is a card number to the card-data policy, shown as "•••• 9568" (a CI run failed so).
    const subject = `Cluster browser ${Date.now().toString(36)}`;
    const caseId = (await openTicket(httpClient(cluster.apiUrl), await createKey(ds, 'agent', 'cluster-browser'), 'browser', subject)).id as string;
    const status = async () => (await temporal.workflow.getHandle(caseId).describe()).status.name;
    const browser = await chromiumTrusting(cluster.tlsCertPath);
    try {
      // Nobody signed in: the UI's own login page, no cases.
      const anonymous = await (await browser.newContext()).newPage();
      await anonymous.goto(`${cluster.uiUrl}/namespaces/default/workflows`);
      await anonymous.getByRole('button', { name: 'Continue to SSO' }).waitFor();
      expect(new URL(anonymous.url()).pathname).toBe('/login');
      await expect(anonymous.getByRole('link', { name: caseId }).count()).resolves.toBe(0);

      // A read-only person (ann-agent: default:read) reaches the list and the case. Before the IdP gave
      // people cluster-level read, the UI's ListNamespaces got a 403 and sent everyone back to /login.
      const reader = await signInToUi(browser, cluster.uiUrl, 'ann-agent');
      const decodes: { authorization?: string; status?: number }[] = [];
      reader.on('response', (res) => {
        if (res.url() === `${cluster.apiTlsUrl}/codec/decode`) decodes.push({ authorization: res.request().headers().authorization, status: res.status() });
      });
      await reader.getByRole('link', { name: caseId }).click();
      // The input decoded in the browser: the UI called the HTTPS codec endpoint with the person's token.
      // 12 s for the whole test alone, but one fresh-clone run, 20 minutes into make test, did not
      // show the input within 20 s: wait longer, and say what the page had if it still fails.
      await waitFor(async () => (await reader.locator('body').innerText()).includes(subject), { timeoutMs: 45_000, what: 'the decoded input on the page' }).catch(async (err: Error) => {
        const shot = await screenshot(reader, 'cluster-ui-case.png').catch(() => 'no screenshot');
        throw new Error(`${err.message}; codec calls seen: ${JSON.stringify(decodes.map((d) => d.status))}; page: ${shot}`);
      });
      expect(decodes.length).toBeGreaterThan(0);
      expect(decodes.every((d) => d.status === 200 && /^Bearer ey/.test(d.authorization ?? ''))).toBe(true);
      await expect(reader.getByText('Codec Server could not connect').count()).resolves.toBe(0);
      // Acting is refused by the server, and the UI says so; the case runs on.
      const refused = await terminateInUi(reader, 'a reader tries');
      await refused.getByRole('alert').filter({ hasText: 'Request unauthorized.' }).waitFor();
      expect(await status()).toBe('RUNNING');

      // An SRE (default:write) may act: the same dialog terminates the case.
      const sre = await signInToUi(browser, cluster.uiUrl, 'sam-sre');
      await sre.getByRole('link', { name: caseId }).click();
      await terminateInUi(sre, 'an SRE acts');
      await waitFor(async () => (await status()) === 'TERMINATED', { what: 'the case terminated from the UI' });
    } finally {
      await browser.close();
    }
  });

  it('kill -9 of one worker and one history process mid-flight: every case reaches its end, each effect once', async () => {
    let kills = 0;
    const result = await crashRecovery({
      client: temporal,
      ds,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      worker: {
        // One worker and one history process die together; the other worker and the other history
        // process carry on (the history shards move over), and the supervisor brings both back.
        kill: async () => {
          const history = kills % 2 === 0 ? 'temporal-history-1' : 'temporal-history-2';
          kills++;
          for (const name of ['worker-1', history]) {
            const pid = cluster.childPid(name);
            if (pid) process.kill(pid, 'SIGKILL');
          }
        },
        start: async () => {
          await waitFor(() => cluster.childPid('worker-1') !== null && cluster.childPid('temporal-history-1') !== null && cluster.childPid('temporal-history-2') !== null, {
            timeoutMs: 60_000,
            what: 'the supervisor to restart the killed processes',
          });
        },
      },
      tickets: 10,
      kills: 2,
      spanMs: 20_000,
      escalationSteps: 3,
      refunds: 2,
      incidents: 2,
      pagesPerIncident: 2,
      takedowns: 2,
      seed: 20261205,
    });
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(kills).toBe(2);
    expect(cluster.log('worker-1')).toMatch(/\[supervisor\] worker-1 was stopped by SIGKILL/);
    expect(cluster.log('temporal-history-1')).toMatch(/\[supervisor\] temporal-history-1 was stopped by SIGKILL/);
  }, 10 * 60_000);
});

/**
 * Opens a ticket as an API client should: a 503 (Temporal busy or a process restarting) is
 * retried with the same Idempotency-Key, which can never open a second ticket.
 */
async function openTicket(http: ReturnType<typeof httpClient>, key: string, label: string, subject = `Cluster ${label}`): Promise<any> {
  const idempotencyKey = `cluster-${label}-${Date.now()}`;
  let last: { status: number; body: unknown } | undefined;
  await waitFor(
    async () => {
      last = await http('POST', '/v1/tickets', {
        key,
        headers: { 'idempotency-key': idempotencyKey },
        body: { brand: 'uoozee', channel: 'email', priority: 'P2', subject, description: 'opened through the balancer', customerRef: 'cust_4711' },
      });
      if (last.status !== 503 && last.status !== 201) throw new Error(`POST /v1/tickets answered ${last.status}: ${JSON.stringify(last.body)}`);
      return last.status === 201;
    },
    { timeoutMs: 60_000, intervalMs: 1_000, what: 'POST /v1/tickets to answer 201' },
  );
  return last!.body;
}

/**
 * A person signing in to the Temporal UI (its /auth/sso, the IdP's login and consent forms, its
 * callback). The UI server keeps the user in cookies user0…userN that the UI's script reads to send
 * `Authorization: Bearer <access token>` with each call; this does what that script does.
 */
async function uiSignIn(cluster: RunningCluster, login: string): Promise<{ token: string; claims: { permissions?: string[] } }> {
  const { callback, jar } = await signInAt(`${cluster.uiUrl}/auth/sso`, `${cluster.uiUrl}/auth/sso/callback`, login);
  expect(callback.status).toBe(303);
  const user = JSON.parse(Buffer.from(decodeURIComponent(userCookie(jar)), 'base64').toString()) as { AccessToken: string };
  const claims = JSON.parse(Buffer.from(user.AccessToken.split('.')[1], 'base64url').toString()) as { permissions?: string[] };
  return { token: user.AccessToken, claims };
}

function userCookie(jar: CookieJar): string {
  let joined = '';
  for (let i = 0; jar.get(`user${i}`) !== undefined; i++) joined += jar.get(`user${i}`);
  return joined;
}
