import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, NoopSpanProcessor, SimpleSpanProcessor, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { node } from '@opentelemetry/sdk-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { AppConfig } from '../../config/config.schema';
import { traceDatabaseCalls } from './database-calls';
import { traceOutsideCalls } from './outside-calls';

export type TracedProcess = 'api' | 'worker';

/** The process's tracing: on (a provider registered globally) or off (nothing registered, nothing exported). */
export interface Tracing {
  readonly enabled: boolean;
  /** Where the workflow spans the worker's sink receives go (the same pipeline as this process's own spans). */
  readonly spanProcessor: SpanProcessor;
  readonly resource: Resource;
  /** Exports what is buffered, then unregisters: call once the process's work is done. */
  shutdown(): Promise<void>;
}

export type TracingConfig = Pick<AppConfig, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_SERVICE_NAME'> &
  Partial<Pick<AppConfig, 'PAGERDUTY_EVENTS_URL' | 'STRIPE_API_BASE' | 'NOTIFY_WEBHOOK_URL' | 'CRM_WEBHOOK_URL' | 'BACKLOG_WEBHOOK_URL' | 'PLAYBACK_DIAGNOSTICS_URL'>>;

const OFF: Tracing = { enabled: false, spanProcessor: new NoopSpanProcessor(), resource: Resource.empty(), shutdown: async () => undefined };
let current: Tracing = OFF;

/**
 * Starts tracing for this process when OTEL_EXPORTER_OTLP_ENDPOINT is set (OTLP/HTTP, batched),
 * or when a test hands its own exporter (exported at once). Otherwise it stays off: no provider,
 * so every tracer in the process is OpenTelemetry's no-op one and no span is recorded.
 */
export function startTracing(config: TracingConfig, process: TracedProcess, options: { exporter?: SpanExporter } = {}): Tracing {
  if (current.enabled) throw new Error('tracing is already started in this process');
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!options.exporter && !endpoint) return OFF;
  const spanProcessor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: `${endpoint!.replace(/\/+$/, '')}/v1/traces` }));
  const resource = new Resource({ [ATTR_SERVICE_NAME]: config.OTEL_SERVICE_NAME ?? `caseworks-${process}` });
  const provider = new node.NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  // Registers the W3C trace-context propagator (what the Temporal interceptors carry in headers)
  // and the AsyncLocalStorage context manager (a request's span follows its awaits).
  provider.register();
  const stopOutsideCalls = traceOutsideCalls(config);
  const stopDatabaseCalls = traceDatabaseCalls();
  current = {
    enabled: true,
    spanProcessor,
    resource,
    async shutdown() {
      stopOutsideCalls();
      stopDatabaseCalls();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
      current = OFF;
    },
  };
  return current;
}

/** The tracing this process started (off until startTracing turned it on). */
export function activeTracing(): Tracing {
  return current;
}
