import { createServer } from 'node:net';
import { startHubSpotFake } from '../fakes/hubspot';
import { createKey, openDataSource, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
import { waitFor } from '../support/wait-for';
import { spawnAppProcess } from '../support/worker-process';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('api process', () => {
  it('stops on SIGTERM with exit 0: refuses new connections, and answers the request in flight', async () => {
    const taskQueue = uniqueTaskQueue('shutdown');
    const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
    const ds = await openDataSource(config);
    const temporal = await temporalClient(config);
    // The request is held in flight at its CRM lookup: the CRM (a local HubSpot) answers only when released.
    const crm = await startHubSpotFake();
    try {
      const key = await createKey(ds, 'client', 'shutdown-client');
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = { API_PORT: String(port), TEMPORAL_TASK_QUEUE: taskQueue, CRM_PROVIDER: 'hubspot', HUBSPOT_ACCESS_TOKEN: crm.accessToken, HUBSPOT_API_BASE: crm.url, CRM_LOOKUP_BUDGET_MS: '10000' };
      const api = await spawnAppProcess('src/api/main.ts', env, async () => (await fetch(`${base}/health/live`).catch(() => null))?.ok === true);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);

      const release = crm.hold();
      const inFlight = fetch(`${base}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Slow', description: 'Held open', customerRef: 'cust_sd' }),
      });
      await waitFor(() => crm.requests.length > 0, { what: 'the request to reach its CRM lookup' });

      api.child.kill('SIGTERM');
      await waitFor(() => api.output().includes('SIGTERM: shutting down'), { what: 'the api to begin its shutdown' });
      // Stopped accepting: a new connection is refused, while the process stays up for the held request.
      await waitFor(async () => fetch(`${base}/health/live`).then(() => false, () => true), { what: 'new connections refused' });
      expect(api.child.exitCode).toBeNull();

      release();
      const answered = await inFlight;
      const answeredAt = Date.now();
      expect(answered.status).toBe(201);
      expect(answered.headers.get('connection')).toBe('close');
      // The request finished its work: the ticket's workflow was started.
      const { id } = (await answered.json()) as { id: string };
      expect((await temporal.workflow.getHandle(id).describe()).taskQueue).toBe(taskQueue);
      expect(await api.exited).toEqual({ code: 0, signal: null });
      // The client's keep-alive connection does not hold the process for its idle timeout (5 s).
      expect(Date.now() - answeredAt).toBeLessThan(3_000);
    } finally {
      await crm.stop();
      await temporal.connection.close();
      await ds.destroy();
    }
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const run = spawnAppProcess('src/api/main.ts', { API_PORT: 'not-a-port', TEMPORAL_ADDRESS: 'nohostport' }, () => false);
    await expect(run).rejects.toThrow(/API_PORT[\s\S]*TEMPORAL_ADDRESS|TEMPORAL_ADDRESS[\s\S]*API_PORT/);
  });
});
