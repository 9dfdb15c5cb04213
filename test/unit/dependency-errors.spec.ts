import { Metadata } from '@grpc/grpc-js';
import { ServiceError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Client as PgClient } from 'pg';
import { DatabaseError } from 'pg-protocol';
import { QueryFailedError } from 'typeorm';
import { unavailableDependency } from '../../src/api/resilience/dependency-errors';
import { problemFromDependencyOutage } from '../../src/api/resilience/dependency-unavailable';
import { RequestBudget, runInBudget } from '../../src/api/resilience/request-budget';
import { unavailableAttemptInterceptor } from '../../src/api/resilience/temporal-deadline';

/** A gRPC status error as @grpc/grpc-js builds it (code, details, metadata). */
function grpcError(code: number, details: string): Error {
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata: new Metadata() });
}

function pgError(code: string, message = 'server says no'): DatabaseError {
  const err = new DatabaseError(message, message.length, 'error');
  err.code = code;
  return err;
}

/** What pg really throws for a port nobody listens on (a port freed just before). */
async function refusedConnectionError(): Promise<unknown> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  const client = new PgClient({ host: '127.0.0.1', port, user: 'postgres', connectionTimeoutMillis: 2_000 });
  return client.connect().then(
    () => new Error('connected to a closed port?'),
    (err: unknown) => err,
  );
}

describe('unavailableDependency', () => {
  it('a refused PostgreSQL connection (the real pg error) is PostgreSQL', async () => {
    const err = await refusedConnectionError();
    expect((err as { code?: string }).code).toBe('ECONNREFUSED');
    expect(unavailableDependency(err)).toBe('postgresql');
  });

  it.each([
    ['Connection terminated unexpectedly'],
    ['Connection terminated due to connection timeout'],
    ['timeout exceeded when trying to connect'],
    ['Query read timeout'],
  ])('pg and pg-pool saying "%s" is PostgreSQL, bare or wrapped by TypeORM', (message) => {
    expect(unavailableDependency(new Error(message))).toBe('postgresql');
    expect(unavailableDependency(new QueryFailedError('SELECT 1', [], new Error(message)))).toBe('postgresql');
  });

  it.each(['08006', '08001', '57P01', '57P02', '57P03', '53300'])('SQLSTATE %s (connection gone, server shutting down or full) is PostgreSQL', (code) => {
    expect(unavailableDependency(new QueryFailedError('SELECT 1', [], pgError(code)))).toBe('postgresql');
  });

  it.each(['23505', '22P02', '42P01', '57014'])('SQLSTATE %s (a refused or cancelled query) is no outage', (code) => {
    expect(unavailableDependency(new QueryFailedError('SELECT 1', [], pgError(code)))).toBeUndefined();
  });

  it('Temporal UNAVAILABLE and DEADLINE_EXCEEDED are Temporal; other gRPC statuses are not', () => {
    expect(unavailableDependency(new ServiceError('Failed to describe workflow', { cause: grpcError(14, 'No connection established') }))).toBe('temporal');
    expect(unavailableDependency(new ServiceError('Failed to describe workflow', { cause: grpcError(4, 'Deadline exceeded') }))).toBe('temporal');
    expect(unavailableDependency(grpcError(14, 'No connection established'))).toBe('temporal');
    expect(unavailableDependency(new ServiceError('x', { cause: grpcError(8, 'resource exhausted') }))).toBeUndefined();
    expect(unavailableDependency(new ServiceError('x', { cause: grpcError(3, 'invalid argument') }))).toBeUndefined();
  });

  it('an update the server aborted on every attempt (UNAVAILABLE, so it was reached) is no outage: the case is busy', () => {
    expect(unavailableDependency(new ServiceError('Workflow Update failed', { cause: grpcError(14, 'workflow update was aborted') }))).toBeUndefined();
    expect(problemFromDependencyOutage(new ServiceError('Workflow Update failed', { cause: grpcError(14, 'workflow update was aborted') }))).toBeUndefined();
  });

  it('an outside HTTP service refusing (fetch failed, caused by ECONNREFUSED) is not PostgreSQL', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(unavailableDependency(new TypeError('fetch failed', { cause: refused }))).toBeUndefined();
  });

  it('anything else is no outage', () => {
    expect(unavailableDependency(new Error('boom'))).toBeUndefined();
    expect(unavailableDependency('a string')).toBeUndefined();
    expect(unavailableDependency(undefined)).toBeUndefined();
  });
});

describe('problemFromDependencyOutage', () => {
  it('is a 503 dependency-unavailable naming the dependency, with a Retry-After', () => {
    const details = problemFromDependencyOutage(new Error('Connection terminated unexpectedly'))!.toDetails();
    expect(details).toMatchObject({ status: 503, type: 'https://caseworks.dev/problems/dependency-unavailable', dependency: 'postgresql', retryAfterSeconds: 5 });
  });

  it('an update call that timed out is a busy case, unless this request saw Temporal refuse it as unreachable', () => {
    const timedOut = new WorkflowUpdateRPCTimeoutOrCancelledError('Workflow update call timeout or cancelled', { cause: grpcError(4, 'Deadline exceeded') });
    expect(problemFromDependencyOutage(timedOut, { startedAt: 0, budgetMs: 5_000, deadline: 5_000, answered: false })).toBeUndefined();
    const refused = problemFromDependencyOutage(timedOut, { startedAt: 0, budgetMs: 5_000, deadline: 5_000, answered: false, temporalUnreachable: true });
    expect(refused?.toDetails()).toMatchObject({ status: 503, dependency: 'temporal' });
  });
});

describe('unavailableAttemptInterceptor (what a refused Temporal call says about the request)', () => {
  /** One attempt of a Temporal call, made while serving a request, ends with `status`; was Temporal taken as unreachable? */
  function takenAsUnreachable(code: number, details: string): boolean {
    const budget: RequestBudget = { startedAt: 0, budgetMs: 5_000, deadline: 5_000, answered: false };
    let received: unknown;
    runInBudget(budget, () => {
      // The call below the interceptor: ends at once with the status the frontend sent.
      const nextCall = () => ({ start: (_m: Metadata, listener: { onReceiveStatus(s: unknown): void }) => listener.onReceiveStatus({ code, details, metadata: new Metadata() }) });
      const call = unavailableAttemptInterceptor()({} as never, nextCall as never);
      call.start(new Metadata(), { onReceiveStatus: (s: unknown) => (received = s) } as never);
    });
    expect(received).toMatchObject({ code, details }); // passed on to the caller unchanged
    return budget.temporalUnreachable === true;
  }

  it('a frontend that cannot be reached (UNAVAILABLE) marks the request', () => {
    expect(takenAsUnreachable(14, 'No connection established. Last error: connect ECONNREFUSED 127.0.0.1:7233')).toBe(true);
  });

  it('an update the server aborted because the workflow was reloaded (UNAVAILABLE, reached) does not: the case is busy', () => {
    expect(takenAsUnreachable(14, 'workflow update was aborted')).toBe(false);
  });

  it('other statuses do not', () => {
    expect(takenAsUnreachable(4, 'Deadline exceeded')).toBe(false);
    expect(takenAsUnreachable(5, 'workflow update was aborted by closing workflow')).toBe(false);
  });
});
