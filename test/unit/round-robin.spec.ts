import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { get as httpsGet } from 'node:https';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, parseBackend, roundRobin } from '../../scripts/round-robin';
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

  it('with a certificate, ends TLS and hands the plain stream to the backends in turn (the codec endpoint over HTTPS)', async () => {
    // A certificate as scripts/cluster.sh makes it.
    const dir = mkdtempSync(join(tmpdir(), 'rr-tls-'));
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=test', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
      const cert = readFileSync(join(dir, 'cert.pem'));
      const [a, b] = [await backend('a'), await backend('b')];
      const port = await freePort();
      const { server, counts } = await roundRobin(port, [parseBackend(`127.0.0.1:${a}`), parseBackend(`127.0.0.1:${b}`)], '127.0.0.1', { cert, key: readFileSync(join(dir, 'key.pem')) });
      servers.push(server);
      const getTls = (ca?: Buffer) =>
        new Promise<string>((done, fail) => {
          httpsGet(`https://127.0.0.1:${port}/`, { ca, agent: false, headers: { connection: 'close' } }, (res) => {
            let body = '';
            res.on('data', (d: Buffer) => (body += d.toString()));
            res.on('end', () => done(body));
          }).on('error', fail);
        });
      expect([await getTls(cert), await getTls(cert)]).toEqual(['a', 'b']);
      expect(counts).toEqual([1, 1]);
      // A client that does not trust the certificate gets a TLS error, not a backend's answer.
      await expect(getTls()).rejects.toThrow(/self-signed|self signed/);
      // Plain HTTP to the TLS port reaches no backend.
      await expect(get(port)).rejects.toThrow();
      expect(counts).toEqual([1, 1]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads its command line: the listen port, the backends, and a certificate and key only together', () => {
    expect(parseArgs(['3000', '127.0.0.1:3010', '127.0.0.1:3011'])).toEqual({ port: 3000, targets: ['127.0.0.1:3010', '127.0.0.1:3011'], tlsFiles: undefined });
    expect(parseArgs(['--tls-cert', 'c.pem', '--tls-key', 'k.pem', '3443', '127.0.0.1:3010'])).toEqual({ port: 3443, targets: ['127.0.0.1:3010'], tlsFiles: { cert: 'c.pem', key: 'k.pem' } });
    expect(() => parseArgs(['--tls-cert', 'c.pem', '3443', '127.0.0.1:3010'])).toThrow(/go together/);
    expect(() => parseArgs(['--tls-key'])).toThrow(/needs a file/);
    expect(() => parseArgs(['127.0.0.1:3010'])).toThrow(/not a number/);
  });
});
