import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { problemFromBusyTemporal } from '../../../src/api/temporal/temporal-busy';

/** A gRPC error as @grpc/grpc-js raises it: code, details and metadata. */
const grpcError = (code: number) => Object.assign(new Error('limit'), { code, details: 'namespace: default: too many outstanding updates', metadata: {} });

describe('a case too busy to act', () => {
  it('is a 503 to retry, for Temporal load refusals and update calls that timed out', () => {
    const exhausted = problemFromBusyTemporal(new ServiceError('Workflow Update failed', { cause: grpcError(8) }))!;
    expect([exhausted.getStatus(), exhausted.toDetails().retryAfterSeconds]).toEqual([503, 2]);
    expect(problemFromBusyTemporal(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout'))!.getStatus()).toBe(503);
  });
  it('leaves every other failure alone', () => {
    expect(problemFromBusyTemporal(new ServiceError('Workflow Update failed', { cause: grpcError(13) }))).toBeUndefined();
    expect(problemFromBusyTemporal(new Error('boom'))).toBeUndefined();
  });
});
