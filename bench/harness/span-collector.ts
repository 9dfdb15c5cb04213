import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { round, summary } from './stats';

/** One span as the API exported it (OTLP/HTTP JSON: hex IDs, times in Unix nanoseconds). */
export interface CollectedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  /** OTLP's SpanKind: 2 is SERVER. */
  kind: number;
  startMs: number;
  endMs: number;
}

export interface SpanCollector {
  /** What OTEL_EXPORTER_OTLP_ENDPOINT names (the exporter posts to <endpoint>/v1/traces). */
  endpoint: string;
  spans(): CollectedSpan[];
  /** Each export's body as received (what a check for leaked values reads). */
  bodies(): string[];
  close(): Promise<void>;
}

/** OTLP's SpanKind for a server span (the API's request span). */
export const SERVER_SPAN = 2;
const nsToMs = (ns: unknown): number => Number(BigInt(String(ns)) / 1000n) / 1000;

/**
 * A local OTLP/HTTP trace receiver (the JSON encoding @opentelemetry/exporter-trace-otlp-http
 * sends) that keeps every span in memory: the bench's view of where an API call's time went.
 */
export async function startSpanCollector(): Promise<SpanCollector> {
  const kept: CollectedSpan[] = [];
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = Buffer.concat(chunks).toString('utf8');
        bodies.push(body);
        kept.push(...otlpSpans(JSON.parse(body)));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans: () => kept,
    bodies: () => bodies,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

type OtlpBody = { resourceSpans?: { scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] };

export function otlpSpans(body: OtlpBody): CollectedSpan[] {
  const out: CollectedSpan[] = [];
  for (const rs of body.resourceSpans ?? []) {
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: String(s.traceId),
          spanId: String(s.spanId),
          parentSpanId: s.parentSpanId ? String(s.parentSpanId) : null,
          name: String(s.name),
          kind: Number(s.kind),
          startMs: nsToMs(s.startTimeUnixNano),
          endMs: nsToMs(s.endTimeUnixNano),
        });
      }
    }
  }
  return out;
}

/** A W3C traceparent the API honours (sampled), so the bench knows each call's trace. */
export function newTraceparent(): { traceId: string; header: string } {
  const traceId = randomBytes(16).toString('hex');
  return { traceId, header: `00-${traceId}-${randomBytes(8).toString('hex')}-01` };
}

/** Where one call's time went, in ms. */
export interface CallStages {
  /** As the bench timed it, from the call's due moment. */
  total: number;
  /** Outside the API's server span: the bench's send, the connection, the API's event loop before the request's first middleware, the answer's way back. */
  outsideServer: number;
  /** The Temporal client's StartWorkflow call(s). */
  startWorkflow: number;
  /** PostgreSQL statements (src/observability/tracing/database-calls.ts), one after another. */
  database: number;
  /** Other calls out the API traced (an HTTP CRM, say). */
  outsideCalls: number;
  /** The rest of the server span: Nest's pipeline, authentication, validation, building the answer — the API's own CPU, and its waits for it. */
  inServer: number;
}

export const STAGES = ['outsideServer', 'inServer', 'database', 'startWorkflow', 'outsideCalls'] as const;

const isStart = (s: CollectedSpan) => s.name.startsWith('StartWorkflow');
const isDatabase = (s: CollectedSpan) => s.name.startsWith('pg.');

/** One call's stages from its trace's spans; null when the trace has no server span (not exported). */
export function callStages(totalMs: number, spans: CollectedSpan[]): CallStages | null {
  // Its parent is the bench's traceparent (a span the collector never sees).
  const server = spans.find((s) => s.kind === SERVER_SPAN);
  if (!server) return null;
  const serverMs = server.endMs - server.startMs;
  // Direct children of the server span only: a child's own children are inside its time.
  const children = spans.filter((s) => s.parentSpanId === server.spanId);
  const duration = (s: CollectedSpan) => s.endMs - s.startMs;
  const sum = (keep: (s: CollectedSpan) => boolean) => children.filter(keep).reduce((t, s) => t + duration(s), 0);
  const startWorkflow = sum(isStart);
  const database = sum(isDatabase);
  const outsideCalls = sum((s) => !isStart(s) && !isDatabase(s));
  return {
    total: totalMs,
    outsideServer: Math.max(0, totalMs - serverMs),
    startWorkflow,
    database,
    outsideCalls,
    inServer: Math.max(0, serverMs - startWorkflow - database - outsideCalls),
  };
}

/**
 * The stages of traced calls: each stage's p50 and p99 over all calls, and the mean of each over
 * the slowest 1 % (by the bench's latency), which says what the tail is made of.
 */
export function stageBreakdown(calls: { traceId: string; latencyMs: number }[], spans: CollectedSpan[]) {
  const byTrace = new Map<string, CollectedSpan[]>();
  for (const s of spans) {
    const trace = byTrace.get(s.traceId);
    if (trace) trace.push(s);
    else byTrace.set(s.traceId, [s]);
  }
  const staged = calls.map((c) => callStages(c.latencyMs, byTrace.get(c.traceId) ?? [])).filter((s): s is CallStages => s !== null);
  if (staged.length === 0) return null;
  const slowest = [...staged].sort((a, b) => b.total - a.total).slice(0, Math.max(1, Math.ceil(staged.length / 100)));
  const mean = (xs: number[]) => round(xs.reduce((t, x) => t + x, 0) / xs.length);
  const stage = Object.fromEntries(
    STAGES.map((k) => {
      const { p50, p99 } = summary(staged.map((s) => s[k]));
      return [k, { p50, p99 }];
    }),
  );
  const tail = Object.fromEntries(['total', ...STAGES].map((k) => [k, mean(slowest.map((s) => s[k as keyof CallStages]))]));
  return { traced: staged.length, of: calls.length, stage, slowest: { n: slowest.length, meanMs: tail } };
}
