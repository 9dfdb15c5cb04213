import { context, propagation, trace } from '@opentelemetry/api';
import diagnostics from 'node:diagnostics_channel';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../../src/config/load-config';
import { activeTracing, startTracing } from '../../../src/observability/tracing/tracing';

describe('tracing is off unless an OTLP endpoint is configured', () => {
  it('with no endpoint: no provider, no recording span, no trace header, no outside-call hooks', async () => {
    const tracing = startTracing(loadConfig({}), 'api');
    expect(tracing.enabled).toBe(false);
    expect(activeTracing().enabled).toBe(false);
    const span = trace.getTracer('test').startSpan('a request');
    expect(span.isRecording()).toBe(false);
    const headers: Record<string, string> = {};
    propagation.inject(trace.setSpan(context.active(), span), headers);
    expect(headers).toEqual({});
    expect(diagnostics.hasSubscribers('undici:request:create')).toBe(false);
    expect(diagnostics.hasSubscribers('http.client.request.start')).toBe(false);
    await tracing.shutdown();
  });

  describe('with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
    const received: { path: string; type: string; body: string }[] = [];
    let collector: Server;
    let endpoint: string;
    beforeAll(async () => {
      // A collector's OTLP/HTTP receiver: takes whatever is POSTed, answers 200.
      collector = createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          received.push({ path: req.url ?? '', type: String(req.headers['content-type']), body });
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((r) => collector.listen(0, '127.0.0.1', r));
      endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((r) => collector.close(() => r())));

    it('exports the process\'s spans to <endpoint>/v1/traces under its service name, and is off again after shutdown', async () => {
      const tracing = startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), 'worker');
      expect(tracing.enabled).toBe(true);
      expect(() => startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }), 'worker')).toThrow(/already started/);
      const span = trace.getTracer('test').startSpan('a unit of work');
      expect(span.isRecording()).toBe(true);
      span.end();
      await tracing.shutdown();

      expect(received.map((r) => r.path)).toEqual(['/v1/traces']);
      expect(received[0].body).toContain('a unit of work');
      expect(received[0].body).toContain('caseworks-worker');
      expect(activeTracing().enabled).toBe(false);
      expect(trace.getTracer('test').startSpan('after').isRecording()).toBe(false);
    });

    it('OTEL_SERVICE_NAME names the service', async () => {
      received.length = 0;
      const tracing = startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'caseworks-api-eu' }), 'api');
      trace.getTracer('test').startSpan('named').end();
      await tracing.shutdown();
      expect(received[0].body).toContain('caseworks-api-eu');
    });
  });
});
