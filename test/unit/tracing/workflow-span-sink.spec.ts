import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SerializableSpan } from '@temporalio/interceptors-opentelemetry';
import type { WorkflowInfo } from '@temporalio/workflow';
import { loadConfig } from '../../../src/config/load-config';
import { startTracing } from '../../../src/observability/tracing/tracing';
import { workflowSpanSinks } from '../../../src/observability/tracing/workflow-span-sink';

/** What a workflow's sink call carries: a span from the sandbox, and the run's WorkflowInfo. */
const info = {
  workflowId: 'ticket-abcdefghijklmnopqrstuvwxyz',
  runId: 'run-1',
  workflowType: 'ticketWorkflow',
  taskQueue: 'caseworks',
  namespace: 'default',
  memo: { note: 'Jane Doe' },
  searchAttributes: { Assignee: ['ann.agent'] },
  lastFailure: new Error('jane.doe@example.com bounced'),
} as unknown as WorkflowInfo;

const span: SerializableSpan = {
  name: 'RunWorkflow:ticketWorkflow',
  kind: SpanKind.INTERNAL,
  spanContext: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, traceState: 'vendor=1' },
  startTime: [1, 0],
  endTime: [2, 0],
  duration: [1, 0],
  status: { code: SpanStatusCode.OK },
  attributes: { temporalUpdateId: 'u-1' },
  links: [],
  events: [],
  ended: true,
  droppedAttributesCount: 0,
  droppedLinksCount: 0,
  droppedEventsCount: 0,
  instrumentationLibrary: { name: 'caseworks-workflow' },
};

describe('the sink workflow spans leave the sandbox through', () => {
  const exportFromWorkflow = async () => workflowSpanSinks().exporter.export.fn(info, [structuredClone(span)]);

  it('drops them with tracing off', async () => {
    const exporter = new InMemorySpanExporter();
    await exportFromWorkflow(); // off: nothing to hand them to, and no error
    const tracing = startTracing(loadConfig({}), 'worker', { exporter });
    await tracing.shutdown();
    await exportFromWorkflow();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('with tracing on: the span as the sandbox made it, plus the run identity and case ID — not the memo, search attributes or last failure', async () => {
    const exporter = new InMemorySpanExporter();
    const tracing = startTracing(loadConfig({}), 'worker', { exporter });
    await exportFromWorkflow();
    const [exported] = exporter.getFinishedSpans();
    await tracing.shutdown();
    expect(exported.name).toBe('RunWorkflow:ticketWorkflow');
    expect(exported.spanContext()).toMatchObject({ traceId: span.spanContext.traceId, spanId: span.spanContext.spanId });
    expect(exported.spanContext().traceState?.get('vendor')).toBe('1');
    expect(exported.attributes).toEqual({
      temporalUpdateId: 'u-1',
      temporalWorkflowId: info.workflowId,
      run_id: 'run-1',
      temporalWorkflowType: 'ticketWorkflow',
      temporalTaskQueue: 'caseworks',
      temporalNamespace: 'default',
      'caseworks.case_id': info.workflowId,
    });
    expect(exported.resource.attributes['service.name']).toBe('caseworks-worker');
  });
});
