import { connect, createServer, Server, Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * How a cut looks to the process behind the relay:
 * - `refuse`: the peer went away — every open connection is reset and new ones are refused
 *   (ECONNREFUSED): a crashed or restarting server.
 * - `blackhole`: the network dropped — open connections stay open but nothing gets through, new
 *   ones are accepted and never answered: a partition. Nothing is lost: on restore, what was sent
 *   meanwhile is delivered (as TCP would after retransmitting), and the held connections reach
 *   the target.
 */
export type CutMode = 'refuse' | 'blackhole';

export interface TcpRelay {
  port: number;
  /** host:port of the relay, for TEMPORAL_ADDRESS-style settings. */
  address: string;
  cut(mode: CutMode): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

/** One client connection and its upstream, forwarding both ways unless held. */
class Pair {
  private upstream?: Socket;
  private readonly held: { toUpstream: Buffer[]; toClient: Buffer[] } = { toUpstream: [], toClient: [] };
  private blocked = false;

  constructor(
    private readonly client: Socket,
    private readonly target: { host: string; port: number },
    private readonly onClose: (pair: Pair) => void,
    blocked: boolean,
  ) {
    this.blocked = blocked;
    client.on('data', (d: Buffer) => (this.blocked || !this.upstream ? this.held.toUpstream.push(d) : this.upstream.write(d)));
    client.on('error', () => this.destroy());
    client.on('close', () => this.destroy());
    if (!blocked) this.open();
  }

  private open(): void {
    if (this.upstream) return;
    const upstream = connect(this.target.port, this.target.host);
    this.upstream = upstream;
    upstream.on('data', (d: Buffer) => (this.blocked ? this.held.toClient.push(d) : this.client.write(d)));
    upstream.on('error', () => this.destroy());
    upstream.on('close', () => this.destroy());
    for (const d of this.held.toUpstream.splice(0)) upstream.write(d);
  }

  block(): void {
    this.blocked = true;
  }

  unblock(): void {
    this.blocked = false;
    this.open();
    for (const d of this.held.toUpstream.splice(0)) this.upstream!.write(d);
    for (const d of this.held.toClient.splice(0)) this.client.write(d);
  }

  destroy(): void {
    this.client.destroy();
    this.upstream?.destroy();
    this.onClose(this);
  }
}

/**
 * A TCP relay in front of a real server (PostgreSQL, Temporal's frontend): the process under test
 * connects to the relay, and the test cuts and restores it while the server itself runs on.
 */
export async function startTcpRelay(target: { host: string; port: number }): Promise<TcpRelay> {
  const pairs = new Set<Pair>();
  let mode: CutMode | undefined;
  const server: Server = createServer((client) => {
    client.setNoDelay(true);
    pairs.add(new Pair(client, target, (p) => pairs.delete(p), mode === 'blackhole'));
  });
  const listen = () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  let port = 0;
  await listen();
  port = (server.address() as AddressInfo).port;
  const stopListening = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));

  return {
    port,
    address: `127.0.0.1:${port}`,
    async cut(how) {
      if (mode) throw new Error(`relay already cut (${mode})`);
      mode = how;
      if (how === 'refuse') {
        const closed = stopListening();
        for (const pair of [...pairs]) pair.destroy();
        await closed;
      } else {
        for (const pair of pairs) pair.block();
      }
    },
    async restore() {
      if (mode === 'refuse') await listen();
      if (mode === 'blackhole') for (const pair of pairs) pair.unblock();
      mode = undefined;
    },
    async close() {
      const closed = stopListening();
      for (const pair of [...pairs]) pair.destroy();
      await closed;
    },
  };
}
