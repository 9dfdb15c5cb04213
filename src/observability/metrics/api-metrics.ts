import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { metricCatalog } from '../metric-catalog';

/** The route label of a request no route matched (a 404, a scan): one series, not one per path. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Seconds; the API's budget is REQUEST_BUDGET_MS (5 s by default), so the top buckets show requests near it. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Express's request, as far as the route label needs it: the matched route's pattern, once routed. */
type RoutedRequest = IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };

/**
 * The API's metrics: its own registry (so several apps in one test process never collide) with
 * caseworks_http_request_duration_seconds and prom-client's default process metrics.
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly duration: Histogram<'method' | 'route' | 'status'>;

  constructor() {
    const { name, help, labels } = metricCatalog.httpRequestDuration;
    this.duration = new Histogram({ name, help, labelNames: [...labels], buckets: HTTP_DURATION_BUCKETS, registers: [this.registry] });
    collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Express middleware timing each request until its response is finished (or the client went
   * away). The route label is the matched pattern (`/v1/tickets/:id`), never the raw path, so IDs
   * never become label values.
   */
  readonly middleware = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const started = process.hrtime.bigint();
    let observed = false;
    // 'finish': the response was handed over; 'close' alone: the client went away first. Once either way.
    const observe = (): void => {
      if (observed) return;
      observed = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.duration.observe({ method: req.method ?? 'UNKNOWN', route: routeOf(req as RoutedRequest), status: String(res.statusCode) }, seconds);
    };
    res.once('finish', observe);
    res.once('close', observe);
    next();
  };

  /** Serves GET /metrics on host:port (its own server, apart from the public API). */
  async listen(port: number, host: string): Promise<MetricsServer> {
    const server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    return new MetricsServer(server);
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    try {
      const body = await this.registry.metrics();
      res.writeHead(200, { 'content-type': this.registry.contentType }).end(body);
    } catch (err) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`);
    }
  }
}

/**
 * The matched route's pattern, with its router's mount path; UNMATCHED_ROUTE when none matched,
 * or only a catch-all did (Nest answers unknown paths 404 from a `/{*path}` route).
 */
export function routeOf(req: RoutedRequest): string {
  const path = req.route?.path;
  return typeof path === 'string' && !path.includes('*') ? `${req.baseUrl ?? ''}${path}` : UNMATCHED_ROUTE;
}

export class MetricsServer {
  constructor(private readonly server: Server) {}

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((err) => (err ? reject(err) : resolve()));
      this.server.closeAllConnections();
    });
  }
}
