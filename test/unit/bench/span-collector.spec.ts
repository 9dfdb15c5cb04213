import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { callStages, CollectedSpan, newTraceparent, stageBreakdown, startSpanCollector } from '../../../bench/harness/span-collector';
import { loadConfig } from '../../../src/config/load-config';
import { startTracing } from '../../../src/observability/tracing/tracing';

const span = (over: Partial<CollectedSpan>): CollectedSpan => ({ traceId: 't', spanId: 's', parentSpanId: null, name: 'x', kind: 1, startMs: 0, endMs: 0, ...over });

describe('the bench\'s span collector: where a traced API call\'s time went', () => {
  it('receives what the product\'s exporter sends (OTLP/HTTP JSON) and keeps the bench\'s trace and the parent links', async () => {
    const collector = await startSpanCollector();
    const tracing = startTracing(loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint }), 'api');
    try {
      const { traceId, header } = newTraceparent();
      // As the API's middleware does: the caller's traceparent is the server span's parent.
      const parent = propagation.extract(context.active(), { traceparent: header });
      const tracer = trace.getTracer('test');
      const server = tracer.startSpan('POST /v1/tickets', { kind: SpanKind.SERVER }, parent);
      const start = tracer.startSpan('StartWorkflow:ticketWorkflow', { kind: SpanKind.CLIENT }, trace.setSpan(parent, server));
      await new Promise((r) => setTimeout(r, 20));
      start.end();
      server.end();
      await tracing.shutdown(); // flushes the batch
      const spans = collector.spans().filter((s) => s.traceId === traceId);
      expect(spans.map((s) => [s.name, s.kind]).sort()).toEqual([['POST /v1/tickets', 2], ['StartWorkflow:ticketWorkflow', 3]]);
      const stages = callStages(100, spans)!;
      expect(stages.startWorkflow).toBeGreaterThanOrEqual(19);
      expect(stages.outsideServer).toBeGreaterThan(0);
      expect(stages.outsideServer + stages.inServer + stages.startWorkflow).toBeCloseTo(100, 5);
    } finally {
      await tracing.shutdown();
      await collector.close();
    }
  });

  it('splits a call into time outside the server span, the start, the database, other calls out and the rest', () => {
    const spans = [
      span({ spanId: 'srv', parentSpanId: 'bench', kind: 2, startMs: 1000, endMs: 1060 }),
      span({ spanId: 'a', parentSpanId: 'srv', name: 'StartWorkflow:ticketWorkflow', startMs: 1030, endMs: 1055 }),
      span({ spanId: 'b', parentSpanId: 'srv', name: 'POST', startMs: 1005, endMs: 1015 }),
      span({ spanId: 'd', parentSpanId: 'srv', name: 'pg.query:INSERT caseworks', startMs: 1016, endMs: 1019 }),
      span({ spanId: 'c', parentSpanId: 'a', name: 'inner', startMs: 1031, endMs: 1054 }), // inside the start: not counted again
    ];
    expect(callStages(75, spans)).toEqual({ total: 75, outsideServer: 15, startWorkflow: 25, database: 3, outsideCalls: 10, inServer: 22 });
    expect(callStages(75, spans.slice(1))).toBeNull(); // no server span: not exported in time
  });

  it('the slowest 1 %: the means of its calls\' stages; calls without spans left out and counted', () => {
    const spans: CollectedSpan[] = [];
    const calls = Array.from({ length: 200 }, (_, i) => {
      const slow = i >= 197; // 1.5 %: the p99 is a slow one
      spans.push(span({ traceId: `t${i}`, spanId: `s${i}`, kind: 2, startMs: 0, endMs: slow ? 150 : 10 }));
      return { traceId: `t${i}`, latencyMs: slow ? 160 : 12 };
    });
    calls.push({ traceId: 'lost', latencyMs: 999 });
    const b = stageBreakdown(calls, spans)!;
    expect([b.traced, b.of, b.slowest.n]).toEqual([200, 201, 2]);
    expect(b.slowest.meanMs).toEqual({ total: 160, outsideServer: 10, inServer: 150, database: 0, startWorkflow: 0, outsideCalls: 0 });
    expect(b.stage.inServer).toEqual({ p50: 10, p99: 150 });
  });
});
