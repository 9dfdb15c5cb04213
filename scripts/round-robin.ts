/**
 * `make cluster`'s load balancer: one port in front of the API processes, each new TCP
 * connection handed to the next API in turn (round robin). A backend that refuses the connection
 * (stopped, restarting) is skipped for that connection, so a client sees no error while another
 * API is up. TCP, not HTTP: requests, keep-alive and streaming pass through untouched; a
 * production deployment puts its own balancer (or Kubernetes Service) here instead.
 *
 * With `--tls-cert <pem> --tls-key <pem>` it terminates TLS first and hands the decrypted stream on:
 * `make cluster`'s HTTPS port for the codec endpoint, because the Temporal UI hands a person's
 * access token only to an `https://` codec endpoint (`passAccessToken`).
 *
 * Usage (compiled, as dist/scripts/round-robin.js):
 *   node round-robin.js [--tls-cert <pem> --tls-key <pem>] <listen-port> <host:port>...
 * Prints one line `{"event":"ready",...}` when listening.
 */
import { readFileSync } from 'node:fs';
import { connect, createServer, Server, Socket } from 'node:net';
import { createServer as createTlsServer, TlsOptions } from 'node:tls';

export interface Backend {
  host: string;
  port: number;
}

export function parseBackend(text: string): Backend {
  const match = /^([^:\s]+):(\d+)$/.exec(text);
  if (!match) throw new Error(`backend "${text}" is not host:port`);
  return { host: match[1], port: Number(match[2]) };
}

/**
 * Starts the balancer; `counts[i]` is how many connections backend i took (for the tests and the
 * log). With `tls` (a certificate and key) clients speak TLS to it and the backends plain TCP.
 */
export function roundRobin(listenPort: number, backends: Backend[], host = '127.0.0.1', tls?: Pick<TlsOptions, 'cert' | 'key'>): Promise<{ server: Server; counts: number[] }> {
  if (backends.length === 0) throw new Error('no backends');
  const counts = backends.map(() => 0);
  let next = 0;
  const handOff = (client: Socket) => {
    client.pause(); // held until a backend takes the connection
    const first = next;
    next = (next + 1) % backends.length;
    const tryBackend = (offset: number): void => {
      if (offset >= backends.length || client.destroyed) {
        client.destroy();
        return;
      }
      const index = (first + offset) % backends.length;
      const upstream: Socket = connect(backends[index]);
      upstream.once('connect', () => {
        counts[index]++;
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        client.pipe(upstream).pipe(client);
        client.resume();
      });
      upstream.once('error', () => tryBackend(offset + 1));
    };
    tryBackend(0);
  };
  const server: Server = tls ? createTlsServer(tls, handOff) : createServer(handOff);
  // A TLS client that gives up mid-handshake (or speaks plain HTTP to the TLS port) is its own problem.
  server.on('tlsClientError', (_err: Error, socket: Socket) => socket.destroy());
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, () => resolve({ server, counts }));
  });
}

/** The command line: `[--tls-cert <pem> --tls-key <pem>] <listen-port> <host:port>...`. */
export function parseArgs(argv: string[]): { port: number; targets: string[]; tlsFiles?: { cert: string; key: string } } {
  const files: Record<string, string> = {};
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tls-cert' || argv[i] === '--tls-key') {
      if (!argv[i + 1]) throw new Error(`${argv[i]} needs a file`);
      files[argv[i]] = argv[++i];
    } else rest.push(argv[i]);
  }
  if (('--tls-cert' in files) !== ('--tls-key' in files)) throw new Error('--tls-cert and --tls-key go together');
  const [port, ...targets] = rest;
  if (!/^\d+$/.test(port ?? '')) throw new Error(`listen port "${port}" is not a number`);
  return { port: Number(port), targets, tlsFiles: files['--tls-cert'] ? { cert: files['--tls-cert'], key: files['--tls-key'] } : undefined };
}

if (require.main === module) {
  const { port, targets, tlsFiles } = parseArgs(process.argv.slice(2));
  const backends = targets.map(parseBackend);
  const tls = tlsFiles && { cert: readFileSync(tlsFiles.cert), key: readFileSync(tlsFiles.key) };
  void roundRobin(port, backends, '127.0.0.1', tls).then(({ server, counts }) => {
    process.stdout.write(`${JSON.stringify({ event: 'ready', port, tls: Boolean(tls), backends: targets })}\n`);
    const stop = () => {
      process.stdout.write(`${JSON.stringify({ event: 'stopped', connections: Object.fromEntries(targets.map((t, i) => [t, counts[i]])) })}\n`);
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 1_000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
