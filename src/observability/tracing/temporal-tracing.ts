import { trace } from '@opentelemetry/api';
import type { ActivityExecuteInput, ActivityInboundCallsInterceptor, ActivityInterceptorsFactory, Next } from '@temporalio/worker';
import type { Context as ActivityContext } from '@temporalio/activity';
import type {
  WorkflowClientInterceptor,
  WorkflowQueryInput,
  WorkflowSignalInput,
  WorkflowStartInput,
  WorkflowStartOutput,
  WorkflowStartUpdateInput,
  WorkflowStartUpdateOutput,
  WorkflowStartUpdateWithStartInput,
  WorkflowStartUpdateWithStartOutput,
} from '@temporalio/client';
import { OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import { CASE_ID_ATTRIBUTE, caseIdOf } from './span-attributes';
import { markRequestCase } from './http-server-span';

/**
 * The Temporal client's tracing interceptors (first: outermost): a span per call (start,
 * update-with-start, update, signal, query) that carries its context to the workflow in a header,
 * then the case ID on that span and on the HTTP request's span. With tracing off the tracer is
 * OpenTelemetry's no-op one: nothing is recorded and no header is sent.
 */
export function tracingClientInterceptors(): WorkflowClientInterceptor[] {
  return [new OpenTelemetryWorkflowClientInterceptor(), new CaseIdClientInterceptor()];
}

/** The worker's activity interceptors for tracing: the activity's span (parented by the workflow's), then the case ID on it. */
export function tracingActivityInterceptors(): ActivityInterceptorsFactory[] {
  return [
    (ctx) => ({ inbound: new OpenTelemetryActivityInboundInterceptor(ctx), outbound: new OpenTelemetryActivityOutboundInterceptor(ctx) }),
    (ctx) => ({ inbound: new CaseIdActivityInterceptor(ctx) }),
  ];
}

/** Runs inside the client call's span: names the case on it, and on the request that made the call. */
class CaseIdClientInterceptor implements WorkflowClientInterceptor {
  start(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'start'>): Promise<string> {
    markCase(input.options.workflowId);
    return next(input);
  }

  startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    markCase(input.options.workflowId);
    return next(input);
  }

  startUpdateWithStart(input: WorkflowStartUpdateWithStartInput, next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>): Promise<WorkflowStartUpdateWithStartOutput> {
    markCase(input.workflowStartOptions.workflowId);
    return next(input);
  }

  startUpdate(input: WorkflowStartUpdateInput, next: Next<WorkflowClientInterceptor, 'startUpdate'>): Promise<WorkflowStartUpdateOutput> {
    markCase(input.workflowExecution.workflowId);
    return next(input);
  }

  signal(input: WorkflowSignalInput, next: Next<WorkflowClientInterceptor, 'signal'>): Promise<void> {
    markCase(input.workflowExecution.workflowId);
    return next(input);
  }

  query(input: WorkflowQueryInput, next: Next<WorkflowClientInterceptor, 'query'>): Promise<unknown> {
    markCase(input.workflowExecution.workflowId);
    return next(input);
  }
}

class CaseIdActivityInterceptor implements ActivityInboundCallsInterceptor {
  constructor(private readonly ctx: ActivityContext) {}

  execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const caseId = caseIdOf(this.ctx.info.workflowExecution?.workflowId);
    if (caseId) trace.getActiveSpan()?.setAttribute(CASE_ID_ATTRIBUTE, caseId);
    return next(input);
  }
}

function markCase(workflowId: string): void {
  const caseId = caseIdOf(workflowId);
  if (!caseId) return;
  trace.getActiveSpan()?.setAttribute(CASE_ID_ATTRIBUTE, caseId);
  markRequestCase(caseId);
}
