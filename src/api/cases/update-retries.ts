import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { Problem } from '../problem/problem';
import { timeLeftInRequest } from '../resilience/request-budget';

/** The server's own rejection of an update no worker processed (temporal server errors_failures.go). */
const UNPROCESSED_UPDATE = 'UnprocessedUpdate';

/**
 * Outcomes that say nothing about the action yet, so the same update (same ID) is sent again:
 * the server dropped the task that carried it (UnprocessedUpdate: it did not happen), or the call
 * timed out on the server's side while the update waited behind others on a busy case.
 */
export function isUndecidedUpdate(err: unknown): boolean {
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  return err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === UNPROCESSED_UPDATE;
}

/** The server's answer for an update ID the (closed) run it asked does not know: lost at a continue-as-new boundary. */
export function isLostUpdate(err: unknown): boolean {
  return err instanceof WorkflowNotFoundError && /^update ".+" not found/.test(err.message);
}

/**
 * How an update is sent again under the same ID when its outcome is unknown:
 * - `undecided`: the server dropped it unprocessed or the call timed out (tickets, issue 20).
 *   Sent again, it is admitted afresh, or, had it been accepted meanwhile, answered instead of
 *   run twice. Bounded by attempts and by the request's budget; then a 503 to retry with.
 * - `lost-update`: the server lost the ID at a continue-as-new hand-over; safe only for a kind
 *   whose workflow applies an update ID once across runs (incidents: incident.workflow.ts).
 * - `none`: one attempt.
 */
export type UpdateRetry = 'undecided' | 'lost-update' | 'none';

const UNDECIDED_ATTEMPTS = 5;
const LOST_UPDATE_ATTEMPTS = 3;

export async function sendWithRetry<T>(retry: UpdateRetry, noun: string, id: string, send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (retry === 'lost-update' && isLostUpdate(err) && attempt < LOST_UPDATE_ATTEMPTS) continue;
      if (retry !== 'undecided' || !isUndecidedUpdate(err)) throw err;
      // Out of tries, or of the request's budget: a 503 now beats one from the budget after a pointless wait.
      if (attempt >= UNDECIDED_ATTEMPTS || (timeLeftInRequest() ?? Infinity) < 250 * attempt) {
        if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) throw err; // busy: the API's 503 (temporal-busy.ts)
        const Noun = noun.charAt(0).toUpperCase() + noun.slice(1);
        throw new Problem(503, `${noun}-busy`, `${Noun} busy`, `${noun} ${id} did not take this action (not applied); retry shortly (with the same Idempotency-Key to be sure it happens once)`, {
          retryAfterSeconds: 1,
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
