import { ConnectionOptions, defaultGrpcRetryOptions, makeGrpcRetryInterceptor } from '@temporalio/client';
import { isUpdateAbortedByServer } from './dependency-errors';
import { currentBudget } from './request-budget';

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];
type NextCall = Parameters<GrpcInterceptor>[1];
type StartListener = Parameters<ReturnType<NextCall>['start']>[1];
/**
 * grpc-js types an interceptor's result as its InterceptingCall class but only calls the call
 * interface on it; what `nextCall` returns is that interface (typing it so spares a runtime import
 * of @grpc/grpc-js, which is the Temporal SDK's dependency, not ours).
 */
const asCall = (call: ReturnType<NextCall>) => call as ReturnType<GrpcInterceptor>;

/**
 * Leaves this much of the request budget to answer in: a Temporal call that runs out of time then
 * fails as a 503 naming Temporal rather than as the budget's own anonymous 503.
 */
const ANSWER_MARGIN_MS = 500;
const GRPC_UNAVAILABLE = 14;

/**
 * Gives every Temporal RPC made while serving a request that request's deadline (minus a margin),
 * unless the call set an earlier one. Goes before the SDK's retry interceptor: its retries of
 * UNAVAILABLE reuse the call's options, so they stop at the deadline too instead of retrying for
 * ~20 s. Calls made outside a request (boot, shutdown) are left as they are.
 */
export function requestDeadlineInterceptor(): GrpcInterceptor {
  return (options, nextCall) => {
    const budget = currentBudget();
    if (budget === undefined) return asCall(nextCall(options));
    const ours = budget.deadline - ANSWER_MARGIN_MS;
    const given = deadlineMs(options.deadline);
    return asCall(nextCall({ ...options, deadline: given !== undefined && given < ours ? given : ours }));
  };
}

function deadlineMs(deadline: Parameters<GrpcInterceptor>[0]['deadline']): number | undefined {
  if (deadline === undefined) return undefined;
  return deadline instanceof Date ? deadline.getTime() : Number(deadline);
}

/**
 * The SDK's retry of UNAVAILABLE and the like (same attempts and backoff), except that it never
 * sleeps past the call's deadline: the SDK's own would wait out a 2.4 s backoff after the deadline
 * and only then fail. When the next attempt would start after the deadline, the last status is
 * the answer (UNAVAILABLE: Temporal cannot be reached).
 */
export function deadlineAwareRetryInterceptor(): GrpcInterceptor {
  return (options, nextCall) => {
    const deadline = deadlineMs(options.deadline);
    const defaults = defaultGrpcRetryOptions();
    let nextDelay = 0;
    return makeGrpcRetryInterceptor({
      retryableDecider(attempt, status) {
        if (!defaults.retryableDecider(attempt, status)) return false;
        nextDelay = defaults.delayFunction(attempt, status);
        return deadline === undefined || !Number.isFinite(deadline) || Date.now() + nextDelay < deadline;
      },
      delayFunction: () => nextDelay,
    })(options, nextCall);
  };
}

/**
 * Notes on the request's budget when one attempt of a Temporal RPC was refused as UNAVAILABLE.
 * Goes after the retry interceptor, which hides those attempts: an update whose retries ran into
 * the deadline surfaces as a timeout, and this tells an unreachable frontend from a busy case.
 * An update the server aborted (isUpdateAbortedByServer) is the busy case's, not an outage's.
 */
export function unavailableAttemptInterceptor(): GrpcInterceptor {
  return (options, nextCall) => {
    const budget = currentBudget();
    const call = nextCall(options);
    if (budget === undefined) return asCall(call);
    const start = call.start.bind(call);
    call.start = (metadata, listener?: StartListener) =>
      start(metadata, {
        onReceiveMetadata: (received) => listener?.onReceiveMetadata?.(received),
        onReceiveMessage: (message) => listener?.onReceiveMessage?.(message),
        onReceiveStatus: (status) => {
          if (status.code === GRPC_UNAVAILABLE && !isUpdateAbortedByServer(status)) budget.temporalUnreachable = true;
          listener?.onReceiveStatus?.(status);
        },
      });
    return asCall(call);
  };
}
