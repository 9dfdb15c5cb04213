import { createServer } from 'node:net';
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
  it('stops on SIGTERM with exit 0, answering what is in flight', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const api = await spawnAppProcess('src/api/main.ts', { API_PORT: String(port) }, async () => (await fetch(`${base}/health/live`).catch(() => null))?.ok === true);
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
    api.child.kill('SIGTERM');
    expect(await api.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${base}/health/live`)).rejects.toThrow();
  });

  it('refuses to start with a bad variable, naming it', async () => {
    const run = spawnAppProcess('src/api/main.ts', { API_PORT: 'not-a-port', TEMPORAL_ADDRESS: 'nohostport' }, () => false);
    await expect(run).rejects.toThrow(/API_PORT[\s\S]*TEMPORAL_ADDRESS|TEMPORAL_ADDRESS[\s\S]*API_PORT/);
  });
});
