import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { createServer, request, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config/load-config';
import { OUTSIDE_SYSTEM_ATTRIBUTE } from '../../../src/observability/tracing/span-attributes';
import { startTracing, Tracing } from '../../../src/observability/tracing/tracing';

describe('outside calls get a client span inside the operation that makes them', () => {
  const exporter = new InMemorySpanExporter();
  let server: Server;
  let base: string;
  let tracing: Tracing;
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(req.url?.startsWith('/fail') ? 503 : 202).end());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Two systems on one host: told apart by their configured paths.
    tracing = startTracing(loadConfig({ NOTIFY_WEBHOOK_URL: `${base}/notify`, CRM_WEBHOOK_URL: `${base}/crm`, STRIPE_API_BASE: base }), 'worker', { exporter });
  });
  afterAll(async () => {
    await tracing.shutdown();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => exporter.reset());

  const inActivity = <T>(fn: () => Promise<T>) => trace.getTracer('test').startActiveSpan('RunActivity:x', async (span) => {
    try {
      return await fn();
    } finally {
      span.end();
    }
  });
  const calls = () => exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);

  it('fetch: named by the configured system, with method, host and status, never the path or query', async () => {
    await inActivity(async () => {
      await (await fetch(`${base}/crm/accounts?customer=cust_4711`, { method: 'POST', body: '{}' })).text();
      await (await fetch(`${base}/notify?to=jane.doe@example.com`, { method: 'POST', body: '{}' })).text();
    });
    const parent = exporter.getFinishedSpans().find((s) => s.name === 'RunActivity:x')!;
    expect(calls().map((s) => s.name)).toEqual(['POST crm-webhook', 'POST notify-webhook']);
    for (const call of calls()) {
      expect(call.parentSpanId).toBe(parent.spanContext().spanId);
      expect(call.attributes).toMatchObject({ 'http.request.method': 'POST', 'server.address': '127.0.0.1', 'http.response.status_code': 202 });
    }
    expect(JSON.stringify(calls().map((s) => s.attributes))).not.toMatch(/cust_4711|jane\.doe|accounts/);
  });

  it('node:http (the Stripe client): the same, and an error status marks the span', async () => {
    await inActivity(
      () =>
        new Promise<void>((resolve, reject) => {
          const req = request(`${base}/fail/v1/refunds`, { method: 'POST' }, (res) => {
            res.resume();
            res.on('end', resolve);
          });
          req.on('error', reject);
          req.end('amount=100');
        }),
    );
    expect(calls().map((s) => [s.name, s.attributes[OUTSIDE_SYSTEM_ATTRIBUTE], s.attributes['http.response.status_code'], s.status.code])).toEqual([['POST stripe', 'stripe', 503, 2]]);
  });

  it('a refused connection ends the span as an error', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    await inActivity(() => fetch(`http://127.0.0.1:${port}/x`).then(() => undefined, () => undefined));
    expect(calls().map((s) => [s.name, s.status.code])).toEqual([['GET 127.0.0.1', 2]]);
  });

  it('no span for a call outside any traced operation', async () => {
    await context.with(context.active(), async () => (await fetch(`${base}/notify`, { method: 'POST', body: '{}' })).text());
    expect(calls()).toEqual([]);
  });
});
