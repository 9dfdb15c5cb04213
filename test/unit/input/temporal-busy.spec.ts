import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { problemFromBusyTemporal } from '../../../src/api/temporal/temporal-busy';

/** A gRPC error as @grpc/grpc-js raises it: code, details and metadata. */
const grpcError = (code: number, details = 'namespace: default: too many outstanding updates') => Object.assign(new Error('limit'), { code, details, metadata: {} });

describe('a case too busy to act', () => {
  it('is a 503 to retry, for Temporal load refusals and update calls that timed out', () => {
    const exhausted = problemFromBusyTemporal(new ServiceError('Workflow Update failed', { cause: grpcError(8) }))!;
    expect([exhausted.getStatus(), exhausted.toDetails().retryAfterSeconds]).toEqual([503, 2]);
    expect(problemFromBusyTemporal(new WorkflowUpdateRPCTimeoutOrCancelledError('timeout'))!.getStatus()).toBe(503);
  });
  it('is a 503 to retry when the server aborted the update on every attempt (the SDK then throws the last UNAVAILABLE)', () => {
    // What a fresh-clone CI run answered 100 updates on one ticket with: 10 attempts, each aborted.
    const aborted = problemFromBusyTemporal(new ServiceError('Workflow Update failed', { cause: grpcError(14, 'workflow update was aborted') }))!;
    expect(aborted.toDetails()).toMatchObject({ status: 503, type: expect.stringMatching(/\/case-busy$/), retryAfterSeconds: 2 });
  });
  it('leaves every other failure alone', () => {
    expect(problemFromBusyTemporal(new ServiceError('Workflow Update failed', { cause: grpcError(13) }))).toBeUndefined();
    // An UNAVAILABLE the server did not send about the update: Temporal cannot be reached (an outage, not a busy case).
    expect(problemFromBusyTemporal(new ServiceError('Workflow Update failed', { cause: grpcError(14, 'No connection established') }))).toBeUndefined();
    expect(problemFromBusyTemporal(new Error('boom'))).toBeUndefined();
  });
});
