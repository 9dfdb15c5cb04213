import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '../config/load-config';
import { ApiMetrics, MetricsServer } from '../observability/metrics/api-metrics';
import { apiMetricsPort } from '../observability/metrics/metrics-settings';
import { createApiApp } from './create-app';
import { startTracing } from '../observability/tracing/tracing';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  startTracing(config, 'api'); // off unless OTEL_EXPORTER_OTLP_ENDPOINT is set; ApiModule flushes at shutdown
  const metricsPort = apiMetricsPort(config);
  const metrics = metricsPort === null ? undefined : new ApiMetrics();
  const app = await createApiApp(config, { metrics });
  const http = trackInFlight(app.getHttpServer() as Server);
  await app.listen(config.API_PORT, config.API_HOST);
  // Its own port on API_HOST: Prometheus scrapes it without an API key, the public port never serves it.
  const metricsServer: MetricsServer | null = metrics && metricsPort !== null ? await metrics.listen(metricsPort, config.API_HOST) : null;
  if (metricsServer) app.get(Logger).log(`metrics on http://${config.API_HOST}:${metricsServer.port}/metrics`);
  // On SIGTERM/SIGINT: stop accepting connections and let the requests in flight finish first —
  // they still need PostgreSQL and Temporal — then close those and exit 0. (Nest's app.close()
  // runs the shutdown hooks that close them before it stops the HTTP server, and Nest's own
  // signal hooks would re-raise the signal, which reads as a crash.)
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.get(Logger).log(`${signal}: shutting down`);
    Promise.all([http.drain(), metricsServer?.close()])
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`shutdown failed: ${err instanceof Error ? err.stack : String(err)}\n`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * Tracks the responses in flight; `drain()` stops listening and resolves once each has been
 * answered. Idle keep-alive connections close at once, and each response still to be sent says
 * `Connection: close`, so no client's connection keeps the process alive.
 */
function trackInFlight(server: Server): { drain(): Promise<void> } {
  const inFlight = new Set<ServerResponse>();
  let draining = false;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) res.setHeader('connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  return {
    drain: () =>
      new Promise<void>((resolve, reject) => {
        draining = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

main().catch((err: unknown) => {
  process.stderr.write(`api failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
