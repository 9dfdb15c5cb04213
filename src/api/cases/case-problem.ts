import { ApplicationFailure, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { UNVERIFIED_ACTOR_FAILURE } from '../../domain/verified-actor';
import { BillingFailure } from '../../workflows/billing/messages';
import { TakedownFailure } from '../../workflows/takedown/messages';
import { OnboardingFailure } from '../../workflows/onboarding/messages';
import { TicketFailure } from '../../workflows/ticket/messages';
import { Problem } from '../problem/problem';
import { isCaseEnded } from '../temporal/ended-case';

type Details = Record<string, unknown>;

/** The refusal an update's validator or handler raised, with its first detail; undefined for any other failure. */
function refusalOf(err: unknown): { failure: ApplicationFailure; details: Details } | undefined {
  if (!(err instanceof WorkflowUpdateFailedError) || !(err.cause instanceof ApplicationFailure)) return undefined;
  const first = err.cause.details?.[0];
  return { failure: err.cause, details: typeof first === 'object' && first !== null ? (first as Details) : {} };
}

/**
 * The problem+json answer for each refusal type any case kind raises; the types are shared across
 * kinds (every messages.ts spells InvalidTransition the same), so one table serves them all.
 */
const REFUSALS: Record<string, (failure: ApplicationFailure, details: Details) => Problem> = {
  // A refusal with a reason beyond the state (a takedown's time limit, its complaint reviewer being
  // the decider, …) names it too.
  [TicketFailure.InvalidTransition]: (failure, d) =>
    Problem.conflict('invalid-transition', failure.message, { state: d.status, action: d.action, ...(typeof d.reason === 'string' ? { reason: d.reason } : {}) }),
  // A role the case's own rules refuse (takedowns: legal staff only, admins included).
  [TakedownFailure.Forbidden]: (failure, d) => new Problem(403, 'forbidden', 'Forbidden', failure.message, { role: d.role, action: d.action }),
  // Onboarding: trainers record training, reviewers score QA, trainers and operations leads decide.
  [OnboardingFailure.Forbidden]: (failure, d) => new Problem(403, 'forbidden', 'Forbidden', failure.message, { role: d.role, action: d.action }),
  // Not sent as a caller the service vouches for: the API's and the worker's PAYLOAD_ENCRYPTION_KEY
  // differ (or are unset), or the action waited over 5 minutes for a worker. Never the client's input.
  [UNVERIFIED_ACTOR_FAILURE]: (failure) => new Problem(403, 'unverified-actor', 'Unverified actor', failure.message, { errors: [{ field: 'actor', message: failure.message }] }),
  [TicketFailure.InvalidValue]: (failure, d) => Problem.validation([{ field: typeof d.field === 'string' ? d.field : 'body', message: failure.message }], 422),
  [TicketFailure.IdempotencyKeyReused]: (failure) =>
    new Problem(422, 'idempotency-key-reused', 'Idempotency-Key reused', failure.message, { errors: [{ field: 'header:Idempotency-Key', message: failure.message }] }),
  // Billing: an account change before the customer's identity was confirmed names the missing confirmation.
  [BillingFailure.IdentityNotConfirmed]: (failure, d) => {
    const missing = typeof d.missing === 'string' ? d.missing : undefined;
    return Problem.conflict('identity-not-confirmed', failure.message, {
      missing,
      action: d.action,
      errors: [{ field: missing ?? 'identityConfirmation', message: 'the customer identity is not confirmed on this case: POST …/confirm-identity first' }],
    });
  },
  [BillingFailure.CardDataRefused]: (failure, d) =>
    Problem.conflict('manual-remediation', failure.message, {
      state: 'manual_remediation',
      errors: [{ field: typeof d.field === 'string' ? d.field : 'body', message: 'the case record held card data; the case is in manual remediation' }],
    }),
};

/**
 * Maps what Temporal answered an action on a case to what an API client understands: no such
 * workflow is a 404, a refusal is its problem from REFUSALS, an update the workflow closed under
 * is a 409. Undefined for anything else (the caller rethrows it: a 500, or the busy/outage 503s
 * the global filter gives).
 */
export function caseProblem(err: unknown, what: string, id: string): Problem | undefined {
  if (err instanceof Problem) return err;
  if (err instanceof WorkflowNotFoundError) return Problem.notFound(what, id);
  const refusal = refusalOf(err);
  if (!refusal) return undefined;
  const mapped = Object.hasOwn(REFUSALS, refusal.failure.type ?? '') ? REFUSALS[refusal.failure.type!] : undefined;
  if (mapped) return mapped(refusal.failure, refusal.details);
  // The workflow closed under an accepted update: the case has ended, which is the client's
  // conflict, not our failure. (The case client asks endedCaseProblem first, which names the final
  // state or answers 410 for a case terminated, timed out or failed; this is the rest.)
  if (isCaseEnded(err)) return Problem.conflict('case-stopped', `${what} ${id} ended before this action completed`, { state: 'closed' });
  return undefined;
}

/** caseProblem, or the error itself rethrown when it is no known answer. */
export function throwCaseProblem(err: unknown, what: string, id: string): never {
  throw caseProblem(err, what, id) ?? err;
}
