import { trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { loadConfig } from '../../../src/config/load-config';
import { traceLogFields } from '../../../src/observability/tracing/log-fields';
import { startTracing } from '../../../src/observability/tracing/tracing';

describe('trace fields for log lines', () => {
  it('are empty with tracing off, and name the running span with tracing on', async () => {
    expect(trace.getTracer('t').startActiveSpan('off', (_span) => traceLogFields())).toEqual({});
    const tracing = startTracing(loadConfig({}), 'worker', { exporter: new InMemorySpanExporter() });
    const { fields, ids } = trace.getTracer('t').startActiveSpan('on', (span) => {
      span.end();
      return { fields: traceLogFields(), ids: span.spanContext() };
    });
    expect(fields).toEqual({ trace_id: ids.traceId, span_id: ids.spanId });
    expect(traceLogFields()).toEqual({});
    await tracing.shutdown();
  });
});
