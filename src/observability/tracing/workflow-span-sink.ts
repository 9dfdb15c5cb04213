import { createTraceState, type Attributes } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { OpenTelemetrySinks, SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { InjectedSinks } from '@temporalio/worker';
import type { WorkflowInfo } from '@temporalio/workflow';
import { CASE_ID_ATTRIBUTE, caseIdOf } from './span-attributes';
import { activeTracing } from './tracing';

/**
 * The sink the workflow interceptors (src/workflows/tracing.interceptor.ts) hand their spans to:
 * spans cannot leave the workflow sandbox any other way. Registered on every worker, also with
 * tracing off (the bundle always carries the interceptors): then the spans are dropped here.
 *
 * Unlike the SDK's makeWorkflowExporter, which copies the whole WorkflowInfo onto every span
 * (memo, search attributes such as the assignee, the last failure's message), this adds only the
 * workflow's identity and the case ID.
 */
export function workflowSpanSinks(): InjectedSinks<OpenTelemetrySinks> {
  return {
    exporter: {
      export: {
        fn: (info: WorkflowInfo, spans: SerializableSpan[]) => {
          const tracing = activeTracing();
          if (!tracing.enabled) return;
          for (const span of spans) tracing.spanProcessor.onEnd(readableSpan(span, workflowAttributes(info), tracing.resource));
        },
      },
    },
  };
}

function workflowAttributes(info: WorkflowInfo): Attributes {
  const caseId = caseIdOf(info.workflowId);
  return {
    temporalWorkflowId: info.workflowId,
    run_id: info.runId,
    temporalWorkflowType: info.workflowType,
    temporalTaskQueue: info.taskQueue,
    temporalNamespace: info.namespace,
    ...(caseId ? { [CASE_ID_ATTRIBUTE]: caseId } : {}),
  };
}

/** A span serialized in the sandbox, as the span processors take it. */
function readableSpan(serialized: SerializableSpan, extra: Attributes, resource: ReadableSpan['resource']): ReadableSpan {
  const { spanContext: { traceState, ...spanContext }, ...rest } = serialized;
  const context = { ...spanContext, traceState: traceState ? createTraceState(traceState) : undefined };
  return { ...rest, attributes: { ...serialized.attributes, ...extra }, resource, spanContext: () => context };
}
