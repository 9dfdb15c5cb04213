import { isGrpcServiceError, ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { Problem } from '../problem/problem';
import { isUpdateAbortedByServer } from '../resilience/dependency-errors';

/** gRPC RESOURCE_EXHAUSTED: Temporal's limits (in-flight updates per workflow, rate limits). */
const RESOURCE_EXHAUSTED = 8;

/**
 * A case too busy to take an action now — Temporal refused it for load (RESOURCE_EXHAUSTED, e.g.
 * too many updates in flight on one workflow), the update call timed out, or the server aborted
 * the update on every attempt the SDK's retry made (the workflow reloaded again and again under
 * load: seen in a CI run, 100 updates on one ticket) — is a 503 the client may retry, not a 500
 * and not an outage.
 */
export function problemFromBusyTemporal(err: unknown): Problem | undefined {
  const grpc = err instanceof ServiceError && isGrpcServiceError(err.cause) ? err.cause : undefined;
  const refused = grpc !== undefined && (grpc.code === RESOURCE_EXHAUSTED || isUpdateAbortedByServer(grpc));
  if (!refused && !(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError)) return undefined;
  return new Problem(503, 'case-busy', 'Case busy', 'the case did not take this action in time; try again shortly', { retryAfterSeconds: 2 });
}
