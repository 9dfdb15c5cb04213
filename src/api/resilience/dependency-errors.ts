import { isGrpcServiceError, ServiceError } from '@temporalio/client';

/** The dependencies whose outage the API answers with 503 instead of 500. */
export type Dependency = 'postgresql' | 'temporal';

/** gRPC statuses that say the frontend could not be reached or did not answer in time. */
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

/** Node socket errors: in the API process only the pg driver opens raw sockets (Temporal speaks gRPC, fetch wraps its own). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * SQLSTATEs of a server that is going away or cannot take us: class 08 (connection exception),
 * 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 53300 too many connections.
 */
const UNAVAILABLE_SQLSTATE = /^(08\w{3}|57P0[123]|53300)$/;

/** What pg and pg-pool say when the connection went or never came (they carry no code). */
const PG_CONNECTION_MESSAGE =
  /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|timeout expired|Client has encountered a connection error|Connection terminated due to connection timeout)/i;

/** The error and what it wraps: TypeORM keeps pg's error as `driverError`, the Temporal client as `cause`. */
function* chain(err: unknown): Generator<unknown> {
  const seen = new Set<unknown>();
  let current: unknown = err;
  while (current !== undefined && current !== null && !seen.has(current) && seen.size < 8) {
    seen.add(current);
    yield current;
    const own = current as { driverError?: unknown; cause?: unknown };
    if (own.driverError !== undefined) yield own.driverError;
    current = own.cause;
  }
}

/**
 * Error-shaped (a message), not `instanceof Error`: socket errors are made by Node's own net
 * module, whose Error is another realm's under jest (and any vm), yet they are errors all the same.
 */
function errorLike(err: unknown): err is { name?: unknown; message: string; code?: unknown } {
  return typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string';
}

function isPostgresUnreachable(err: unknown): boolean {
  if (!errorLike(err)) return false;
  if (typeof err.code === 'string' && (SOCKET_CODES.has(err.code) || UNAVAILABLE_SQLSTATE.test(err.code))) return true;
  return PG_CONNECTION_MESSAGE.test(err.message);
}

/**
 * The one UNAVAILABLE that Temporal answers when it *was* reached: the case's workflow was reloaded
 * (its state dropped from the history service's cache, e.g. after a write conflict under load, or
 * its worker restarted) with the update still in flight, and the update may be sent again (server
 * 1.29.1: update.AbortedByServerErr). That is a busy case, not an outage.
 */
const UPDATE_ABORTED_BY_SERVER = 'workflow update was aborted';

/** A gRPC status (an attempt's, or the error the SDK throws after its retries) saying the server aborted an update. */
export function isUpdateAbortedByServer(status: { code?: unknown; details?: unknown }): boolean {
  return status.code === GRPC_UNAVAILABLE && typeof status.details === 'string' && status.details.includes(UPDATE_ABORTED_BY_SERVER);
}

function isTemporalUnreachable(err: unknown): boolean {
  const grpc = err instanceof ServiceError ? err.cause : err;
  if (!isGrpcServiceError(grpc) || isUpdateAbortedByServer(grpc)) return false;
  return grpc.code === GRPC_UNAVAILABLE || grpc.code === GRPC_DEADLINE_EXCEEDED;
}

/**
 * Which dependency an error says is unreachable (down, cut off, or not answering in time), or
 * undefined for any other error — those stay what they are (a refused query is still a 500).
 */
export function unavailableDependency(err: unknown): Dependency | undefined {
  for (const link of chain(err)) {
    // fetch's "fetch failed" wraps its socket error: an outside HTTP service, not PostgreSQL.
    if (errorLike(link) && link.name === 'TypeError') return undefined;
    if (isTemporalUnreachable(link)) return 'temporal';
    if (isPostgresUnreachable(link)) return 'postgresql';
  }
  return undefined;
}
