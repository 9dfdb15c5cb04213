import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A notification relay as a receiver would run it: accepts POSTed JSON, drops a delivery whose
 * Idempotency-Key it has seen, and counts everything it got.
 */
export interface NotifyWebhookFake {
  url: string;
  /** Every accepted notification, once per Idempotency-Key, in arrival order. */
  accepted: Array<{ key: string; body: Record<string, unknown> }>;
  /** Deliveries per key, duplicates included. */
  deliveries: Map<string, number>;
  /** Answer the next n requests with this status (to test retries); with keyIncludes, only requests whose Idempotency-Key contains it. */
  failNext(n: number, status?: number, keyIncludes?: string): void;
  /** Answer requests whose Idempotency-Key contains keyIncludes only after ms (a slow receiver). */
  slow(keyIncludes: string, ms: number): void;
  close(): Promise<void>;
}

export async function startNotifyWebhookFake(): Promise<NotifyWebhookFake> {
  const accepted: NotifyWebhookFake['accepted'] = [];
  const deliveries = new Map<string, number>();
  let failures = 0;
  let failStatus = 503;
  let failKeyIncludes: string | undefined;
  let slowness: { keyIncludes: string; ms: number } | null = null;
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const key = String(req.headers['idempotency-key'] ?? '');
      if (failures > 0 && (failKeyIncludes === undefined || key.includes(failKeyIncludes))) {
        failures--;
        res.writeHead(failStatus).end();
        return;
      }
      if (req.method !== 'POST' || !key || req.headers['content-type'] !== 'application/json') {
        res.writeHead(400).end();
        return;
      }
      const accept = () => {
        deliveries.set(key, (deliveries.get(key) ?? 0) + 1);
        if (deliveries.get(key) === 1) accepted.push({ key, body: JSON.parse(raw) as Record<string, unknown> });
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
      };
      if (slowness && key.includes(slowness.keyIncludes)) setTimeout(accept, slowness.ms);
      else accept();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/notify`,
    accepted,
    deliveries,
    failNext(n, status = 503, keyIncludes) {
      failures = n;
      failStatus = status;
      failKeyIncludes = keyIncludes;
    },
    slow(keyIncludes, ms) {
      slowness = { keyIncludes, ms };
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (c: Buffer) => (data += c.toString()));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
