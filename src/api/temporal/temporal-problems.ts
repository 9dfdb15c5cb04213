import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Problem } from '../problem/problem';
import { isCaseEnded } from './ended-case';
import { TicketFailure } from '../../workflows/ticket/messages';
import { TakedownFailure } from '../../workflows/takedown/messages';
import { UNVERIFIED_ACTOR_FAILURE } from '../../domain/verified-actor';

/**
 * Maps what a workflow refused to what an API client understands: a validator's
 * InvalidTransition is 409 naming the state; a reused idempotency key is 422; an update the
 * workflow closed under is 409. Anything else is rethrown and becomes a 500.
 */
export function problemFromTemporal(err: unknown, what: string, id: string): never {
  if (err instanceof WorkflowNotFoundError) throw Problem.notFound(what, id);
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const failure = err.cause;
    const details = (failure.details?.[0] ?? {}) as Record<string, unknown>;
    if (failure.type === TicketFailure.InvalidTransition) {
      throw Problem.conflict('invalid-transition', failure.message, { state: details.status, action: details.action });
    }
    // A role the case's own rules refuse (takedowns: legal staff only, admins included).
    if (failure.type === TakedownFailure.Forbidden) {
      throw new Problem(403, 'forbidden', 'Forbidden', failure.message, { role: details.role, action: details.action });
    }
    // Not sent as a caller the service vouches for: the API's and the worker's PAYLOAD_ENCRYPTION_KEY
    // differ (or are unset), or the action waited over 5 minutes for a worker. Never the client's input.
    if (failure.type === UNVERIFIED_ACTOR_FAILURE) {
      throw new Problem(403, 'unverified-actor', 'Unverified actor', failure.message, { errors: [{ field: 'actor', message: failure.message }] });
    }
    if (failure.type === TicketFailure.InvalidValue) {
      const field = typeof details.field === 'string' ? details.field : 'body';
      throw Problem.validation([{ field, message: failure.message }], 422);
    }
    // The workflow closed under an accepted update: the case has ended, which is the client's
    // conflict, not our failure. (Every case's action path uses endedCaseProblem first, which names
    // the final state, or answers 410 for a case terminated, timed out or failed; this is the rest.)
    if (isCaseEnded(err)) {
      throw Problem.conflict('case-stopped', `${what} ${id} ended before this action completed`, { state: 'closed' });
    }
    if (failure.type === TicketFailure.IdempotencyKeyReused) {
      throw new Problem(422, 'idempotency-key-reused', 'Idempotency-Key reused', failure.message, {
        errors: [{ field: 'header:Idempotency-Key', message: failure.message }],
      });
    }
  }
  throw err;
}
