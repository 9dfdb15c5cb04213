// First: it patches the sandbox's globals (`performance`) that sdk-trace-base needs when it loads.
import { OpenTelemetryInboundInterceptor, OpenTelemetryInternalsInterceptor, OpenTelemetryOutboundInterceptor } from '@temporalio/interceptors-opentelemetry/lib/workflow';
import type { Tracer } from '@opentelemetry/api';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanExporter } from '@temporalio/interceptors-opentelemetry/lib/workflow/span-exporter';
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { RunScopedIdGenerator } from './trace-ids';

class LiveSpanExporter extends SpanExporter {
  /**
   * A replayed span was exported when it first ran (the worker drops sink calls made on replay
   * anyway); not calling the sink then also keeps replay-only workers (the replay tests), which
   * register no sink, quiet.
   */
  override export(...[spans, done]: Parameters<SpanExporter['export']>): void {
    if (workflowInfo().unsafe.isReplaying) return done({ code: EXPORT_SUCCESS });
    super.export(spans, done);
  }
}
/** ExportResultCode.SUCCESS (@opentelemetry/core, not a dependency of ours). */
const EXPORT_SUCCESS = 0;

/**
 * The tracer for the SDK's interceptors: span IDs that do not draw on the workflow's random
 * numbers (trace-ids.ts says why); spans go, like the SDK's, through the `exporter` sink.
 */
let tracer: Tracer | undefined;
function workflowTracer(): Tracer {
  if (!tracer) {
    const provider = new BasicTracerProvider({
      idGenerator: new RunScopedIdGenerator(() => workflowInfo().runId),
      spanProcessors: [new SimpleSpanProcessor(new LiveSpanExporter())],
    });
    tracer = provider.getTracer('caseworks-workflow');
  }
  return tracer;
}

class WorkflowInbound extends OpenTelemetryInboundInterceptor {
  protected override readonly tracer = workflowTracer();
}

class WorkflowOutbound extends OpenTelemetryOutboundInterceptor {
  protected override readonly tracer = workflowTracer();
}

/**
 * Traces inside the workflow sandbox: a span for the run, each update it handles and validates,
 * each signal and query, and each activity or child workflow it schedules — parented by the
 * client call's span (carried in the Temporal headers), and carrying their own context on to the
 * activities. The spans leave the sandbox through the worker's `exporter` sink
 * (src/observability/tracing/workflow-span-sink.ts). The SDK gates each traced method behind an
 * SDK flag, so histories recorded without these interceptors still replay.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new WorkflowInbound()],
  outbound: [new WorkflowOutbound()],
  internals: [new OpenTelemetryInternalsInterceptor()],
});
