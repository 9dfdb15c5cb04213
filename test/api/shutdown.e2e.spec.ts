import { createServer } from 'node:net';
import { createKey, openDataSource, RunningWorker, startWorker, temporalClient, testConfig, uniqueTaskQueue } from '../support/harness';
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
    // No worker polls this queue yet: a ticket opened on it is held open until one does.
    const taskQueue = uniqueTaskQueue('shutdown');
    const config = testConfig({ TEMPORAL_TASK_QUEUE: taskQueue });
    const ds = await openDataSource(config);
    const temporal = await temporalClient(config);
    let worker: RunningWorker | undefined;
    try {
      const key = await createKey(ds, 'client', 'shutdown-client');
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const api = await spawnAppProcess('src/api/main.ts', { API_PORT: String(port), TEMPORAL_TASK_QUEUE: taskQueue }, async () => (await fetch(`${base}/health/live`).catch(() => null))?.ok === true);
      expect((await fetch(`${base}/health/ready`)).status).toBe(200);

      const inFlight = fetch(`${base}/v1/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ brand: 'uoozee', channel: 'email', priority: 'P4', subject: 'Slow', description: 'Held open', customerRef: 'cust_sd' }),
      });
      // In flight: its workflow exists and waits for a worker to answer the intake update.
      const workflowId = await waitFor(async () => {
        for await (const w of temporal.workflow.list({ query: `TaskQueue = '${taskQueue}'` })) return w.workflowId;
        return undefined;
      }, { what: 'the held request to have started its workflow' });

      api.child.kill('SIGTERM');
      await waitFor(() => api.output().includes('SIGTERM: shutting down'), { what: 'the api to begin its shutdown' });
      // Stopped accepting: a new connection is refused, while the process stays up for the held request.
      await waitFor(async () => fetch(`${base}/health/live`).then(() => false, () => true), { what: 'new connections refused' });
      expect(api.child.exitCode).toBeNull();

      worker = await startWorker(config, ds, taskQueue);
      const answered = await inFlight;
      const answeredAt = Date.now();
      expect(answered.status).toBe(201);
      expect(answered.headers.get('connection')).toBe('close');
      expect(((await answered.json()) as { id: string }).id).toBe(workflowId);
      expect(await api.exited).toEqual({ code: 0, signal: null });
      // The client's keep-alive connection does not hold the process for its idle timeout (5 s).
      expect(Date.now() - answeredAt).toBeLessThan(3_000);
    } finally {
      await worker?.stop();
      await temporal.connection.close();
      await ds.destroy();
    }
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const run = spawnAppProcess('src/api/main.ts', { API_PORT: 'not-a-port', TEMPORAL_ADDRESS: 'nohostport' }, () => false);
    await expect(run).rejects.toThrow(/API_PORT[\s\S]*TEMPORAL_ADDRESS|TEMPORAL_ADDRESS[\s\S]*API_PORT/);
  });
});
