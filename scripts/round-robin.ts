/**
 * `make cluster`'s load balancer: one port in front of the API processes, each new TCP
 * connection handed to the next API in turn (round robin). A backend that refuses the connection
 * (stopped, restarting) is skipped for that connection, so a client sees no error while another
 * API is up. TCP, not HTTP: requests, keep-alive and streaming pass through untouched; a
 * production deployment puts its own balancer (or Kubernetes Service) here instead.
 *
 * Usage (compiled, as dist/scripts/round-robin.js): node round-robin.js <listen-port> <host:port>...
 * Prints one line `{"event":"ready",...}` when listening.
 */
import { connect, createServer, Server, Socket } from 'node:net';

export interface Backend {
  host: string;
  port: number;
}

export function parseBackend(text: string): Backend {
  const match = /^([^:\s]+):(\d+)$/.exec(text);
  if (!match) throw new Error(`backend "${text}" is not host:port`);
  return { host: match[1], port: Number(match[2]) };
}

/** Starts the balancer; `counts[i]` is how many connections backend i took (for the tests and the log). */
export function roundRobin(listenPort: number, backends: Backend[], host = '127.0.0.1'): Promise<{ server: Server; counts: number[] }> {
  if (backends.length === 0) throw new Error('no backends');
  const counts = backends.map(() => 0);
  let next = 0;
  const server = createServer((client) => {
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
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, host, () => resolve({ server, counts }));
  });
}

if (require.main === module) {
  const [port, ...targets] = process.argv.slice(2);
  const backends = targets.map(parseBackend);
  void roundRobin(Number(port), backends).then(({ server, counts }) => {
    process.stdout.write(`${JSON.stringify({ event: 'ready', port: Number(port), backends: targets })}\n`);
    const stop = () => {
      process.stdout.write(`${JSON.stringify({ event: 'stopped', connections: Object.fromEntries(targets.map((t, i) => [t, counts[i]])) })}\n`);
      server.close(() => process.exit(0));
      setTimeout(() => process.exit(0), 1_000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
