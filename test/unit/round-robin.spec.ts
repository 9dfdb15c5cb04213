import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { parseBackend, roundRobin } from '../../scripts/round-robin';
import { freePort } from '../support/oidc';

/** `make cluster`'s balancer (scripts/round-robin.ts): connections in turn, a refusing backend skipped. */
describe('round-robin balancer', () => {
  const servers: { close(cb: () => void): unknown }[] = [];
  afterAll(() => Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))));

  async function backend(name: string): Promise<number> {
    const server = createServer((_req, res) => res.end(name));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return (server.address() as AddressInfo).port;
  }
  // A new connection per request (no keep-alive), as separate clients would make.
  const get = async (port: number) => (await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).text();

  it('hands connections to the backends in turn', async () => {
    const [a, b] = [await backend('a'), await backend('b')];
    const port = await freePort();
    const { server, counts } = await roundRobin(port, [parseBackend(`127.0.0.1:${a}`), parseBackend(`127.0.0.1:${b}`)]);
    servers.push(server);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await get(port));
    expect(answers).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    expect(counts).toEqual([3, 3]);
  });

  it('skips a backend that refuses the connection (stopped, restarting): no client sees an error', async () => {
    const live = await backend('live');
    const dead = await freePort(); // nothing listens there
    const port = await freePort();
    const { server, counts } = await roundRobin(port, [parseBackend(`127.0.0.1:${dead}`), parseBackend(`127.0.0.1:${live}`)]);
    servers.push(server);
    for (let i = 0; i < 4; i++) expect(await get(port)).toBe('live');
    expect(counts).toEqual([0, 4]);
  });

  it('refuses a backend that is not host:port', () => {
    expect(() => parseBackend('localhost')).toThrow(/host:port/);
  });
});
