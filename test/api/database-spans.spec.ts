import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { startSpanCollector } from '../../bench/harness/span-collector';

const ROOT = resolve(__dirname, '..', '..');

/**
 * The API and the worker as they start (dist, in a process of its own: OpenTelemetry's pg
 * instrumentation patches `pg` through Node's require, which jest's module loader bypasses), with
 * `pg` imported before tracing starts, as both mains import it.
 */
const CHILD = `
  require('pg');
  const { loadConfig } = require('./dist/src/config/load-config');
  const { startTracing } = require('./dist/src/observability/tracing/tracing');
  const tracing = startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: process.env.COLLECTOR }), 'api');
  const { createDataSource } = require('./dist/src/persistence/data-source');
  const { context, trace } = require('@opentelemetry/api');
  (async () => {
    const ds = await createDataSource(process.env.DATABASE_URL).initialize();
    const span = trace.getTracer('test').startSpan('POST /v1/tickets', { kind: 1 });
    await context.with(trace.setSpan(context.active(), span), () => ds.query('SELECT $1::text AS ref', ['customer-ref-4711']));
    span.end();
    await ds.query('SELECT 2 AS untraced'); // outside any traced operation
    await tracing.shutdown();
    await ds.destroy();
  })().catch((err) => { console.error(err); process.exit(1); });
`;

describe('database statements in traces (OTEL_EXPORTER_OTLP_ENDPOINT set)', () => {
  it('each statement inside a traced operation is a child span with its parameterised text; no parameter value, no statement outside one', async () => {
    const collector = await startSpanCollector();
    try {
      const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
      await promisify(execFile)(process.execPath, ['-e', CHILD], { cwd: ROOT, env: { ...process.env, COLLECTOR: collector.endpoint, DATABASE_URL: databaseUrl }, timeout: 30_000 });
      const spans = collector.spans();
      const request = spans.find((s) => s.name === 'POST /v1/tickets')!;
      const statements = spans.filter((s) => s.name.startsWith('pg.query'));
      expect(statements.map((s) => [s.parentSpanId, s.traceId])).toEqual([[request.spanId, request.traceId]]);
      const body = collector.bodies().join('\n');
      expect(body).toContain('SELECT $1::text AS ref');
      expect(body).not.toContain('customer-ref-4711');
      expect(body).not.toContain('untraced');
    } finally {
      await collector.close();
    }
  });
});
