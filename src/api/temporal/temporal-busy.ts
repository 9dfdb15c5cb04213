import { isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { Problem } from '../problem/problem';

/** gRPC RESOURCE_EXHAUSTED: Temporal's limits (in-flight updates per workflow, rate limits). */
const RESOURCE_EXHAUSTED = 8;

/**
 * A case too busy to take an action now — Temporal refused it for load (RESOURCE_EXHAUSTED, e.g.
 * too many updates in flight on one workflow) or the update call timed out — is a 503 the client
 * may retry, not a 500.
 */
export function problemFromBusyTemporal(err: unknown): Problem | undefined {
  const exhausted = err instanceof ServiceError && isGrpcServiceError(err.cause) && err.cause.code === RESOURCE_EXHAUSTED;
  if (!exhausted && !(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) return undefined;
  return new Problem(503, 'case-busy', 'Case busy', 'the case did not take this action in time; try again shortly', { retryAfterSeconds: 2 });
}
