import { Next, UpdateInput, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { CaseTransitionError } from '../domain/case-transition';
import { refuseTransition } from './common/refusals';

/**
 * An update's handler that meets a state its rules do not allow refuses the update, as its
 * validator would have: the CaseTransitionError a case kind's transition raises becomes the
 * refusal (InvalidTransition, the API's 409), for every kind, instead of failing the workflow
 * task. Any other error (a bug) still fails the task, visibly.
 *
 * Live, a handler meets the state its validator passed, unless it waited on something first and
 * the case moved meanwhile: the person then gets the 409, where the case's task used to fail on
 * every attempt. It matters most on a replay that meets the update before the activity result it
 * followed (the known problem of docs/known-problems.md). There the SDK's core finds the
 * difference itself (nondeterminism) and answers a query of the case with a failure, which the
 * API reads as "answer from the read model".
 * A handler's own error instead failed the activation in the SDK, and when that replay was
 * answering a query on a worker that did not hold the case, the SDK then sent the core a
 * completion it refuses ("a legacy query response along with other commands", SDK 1.24.0) and
 * stopped the whole worker: one GET of a stuck case could stop a worker
 * (test/workflows/query-beside-crash.spec.ts shows both).
 */
class HandlerRefusalInbound implements WorkflowInboundCallsInterceptor {
  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      if (err instanceof CaseTransitionError) throw refuseTransition(err);
      throw err;
    }
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new HandlerRefusalInbound()],
});
