import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import pinoHttp from 'pino-http';
import { httpLogOptions } from '../../src/api/logging/http-log-options';
import { waitFor } from '../support/wait-for';

/** The API's pino-http options on a real HTTP server: which requests leave a line in the log. */
describe('the HTTP request log', () => {
  let server: Server;
  let base: string;
  const lines: { req?: { path: string }; res?: { statusCode: number } }[] = [];

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const log = pinoHttp({ ...httpLogOptions({ LOG_LEVEL: 'info' }), logger: pino({ level: 'info' }, destination) });
    server = createServer((req, res) => {
      log(req, res);
      // A readiness probe that fails answers 503, as src/api/health does when Temporal is unreachable.
      res.statusCode = req.url === '/health/ready?fail=1' ? 503 : 200;
      res.end('{}');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('drops successful health checks, keeps failing ones and every other request', async () => {
    for (const path of ['/health/live', '/health/ready', '/health/ready?probe=k8s', '/health/ready?fail=1', '/v1/tickets', '/health/readyz']) {
      await (await fetch(base + path)).text();
    }
    // The last request's line is written once its response finished: wait for it, then compare all.
    await waitFor(() => lines.some((l) => l.req?.path === '/health/readyz'), { what: 'the last request line' });
    expect(lines.map((l) => [l.req?.path, l.res?.statusCode])).toEqual([
      ['/health/ready', 503],
      ['/v1/tickets', 200],
      ['/health/readyz', 200],
    ]);
  });
});
