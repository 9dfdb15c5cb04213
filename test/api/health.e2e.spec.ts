import { createServer, Server, Socket, connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RunningApi, startApi, testConfig } from '../support/harness';
import { httpClient } from '../support/http';
import { waitFor } from '../support/wait-for';

/**
 * A TCP relay in front of the test PostgreSQL: the API reaches the database through it, and the
 * test can cut it (stop listening, drop every connection) to make PostgreSQL unreachable.
 */
async function startRelay(target: { host: string; port: number }): Promise<{ port: number; cut(): Promise<void>; restore(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    cut: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
    restore: () => new Promise<void>((r) => server.listen(port, '127.0.0.1', r)),
  };
}

describe('/health/ready', () => {
  let api: RunningApi | undefined;
  let relay: Awaited<ReturnType<typeof startRelay>> | undefined;
  afterAll(async () => {
    await api?.stop().catch(() => undefined);
    await relay?.cut();
  });

  it('answers 503 problem+json naming PostgreSQL when it is unreachable, and 200 again once it is back', async () => {
    const db = new URL(testConfig().DATABASE_URL);
    relay = await startRelay({ host: db.hostname, port: Number(db.port || 5432) });
    const viaRelay = new URL(db.toString());
    viaRelay.hostname = '127.0.0.1';
    viaRelay.port = String(relay.port);
    api = await startApi(testConfig({ DATABASE_URL: viaRelay.toString() }));
    const http = httpClient(api.baseUrl);
    expect((await http('GET', '/health/ready')).status).toBe(200);

    await relay.cut();
    const down = await http('GET', '/health/ready');
    expect(down.status).toBe(503);
    expect(down.headers.get('content-type')).toContain('application/problem+json');
    expect(down.body).toMatchObject({ status: 503, title: 'Not ready', checks: { postgres: { status: 'down' }, temporal: { status: 'up' } } });
    expect(down.body.type).toMatch(/not-ready$/);
    expect(typeof down.body.checks.postgres.error).toBe('string');
    expect((await http('GET', '/health/live')).status).toBe(200); // alive, only not ready

    await relay.restore();
    await waitFor(async () => (await http('GET', '/health/ready')).status === 200, { what: 'ready again once PostgreSQL answers' });
  });
});
