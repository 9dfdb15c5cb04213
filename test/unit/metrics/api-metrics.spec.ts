import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { ApiMetrics, MetricsServer, UNMATCHED_ROUTE } from '../../../src/observability/metrics/api-metrics';

/** prom-client's text: the value of one series, or 0. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('ApiMetrics: request durations by route pattern, served on their own port', () => {
  const metrics = new ApiMetrics();
  let api: Server;
  let base: string;
  let server: MetricsServer;

  beforeAll(async () => {
    const app = express();
    app.use(metrics.middleware);
    app.get('/v1/tickets/:id', (_req, res) => void res.status(200).json({ ok: true }));
    app.post('/v1/tickets', (_req, res) => void res.status(422).json({ problem: true }));
    // Nest answers unknown paths from a catch-all route like this one.
    app.all('/{*path}', (_req, res) => void res.status(404).json({ problem: true }));
    api = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    server = await metrics.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await server.close();
    await new Promise((resolve) => api.close(resolve));
  });

  const scrape = async () => (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text();

  it('labels each request with the matched pattern, never the raw path; an unmatched path with one fixed label', async () => {
    await fetch(`${base}/v1/tickets/ticket-01JH2ZK8Q6W9YB3XQ2M4V5N6P7`);
    await fetch(`${base}/v1/tickets/ticket-01JH2ZK8Q6W9YB3XQ2M4V5N6P8`);
    await fetch(`${base}/v1/tickets`, { method: 'POST' });
    await fetch(`${base}/wp-admin/setup.php`);
    await fetch(`${base}/.env`);
    const text = await scrape();
    expect(sample(text, 'caseworks_http_request_duration_seconds_count{method="GET",route="/v1/tickets/:id",status="200"}')).toBe(2);
    expect(sample(text, 'caseworks_http_request_duration_seconds_count{method="POST",route="/v1/tickets",status="422"}')).toBe(1);
    expect(sample(text, `caseworks_http_request_duration_seconds_count{method="GET",route="${UNMATCHED_ROUTE}",status="404"}`)).toBe(2);
    expect(text).not.toContain('ticket-01JH2');
    expect(text).not.toContain('wp-admin');
  });

  it("serves prom-client's process metrics beside ours, and nothing but GET /metrics", async () => {
    expect(await scrape()).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.port}/metrics`, { method: 'POST' })).status).toBe(404);
  });
});
