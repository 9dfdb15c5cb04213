import { ApplicationFailure } from '@temporalio/workflow';
import { CaseTransitionError } from '../../domain/case-transition';

/**
 * The failure types a refused update carries, for every case kind; the API maps each to one HTTP
 * answer (409 naming the state, 422 naming the field, 403). Kinds may add their own (billing's
 * IdentityNotConfirmed), never rename these.
 */
export const CaseFailure = {
  InvalidTransition: 'InvalidTransition',
  InvalidValue: 'InvalidValue',
} as const;

/** The action is not allowed in the case's state: non-retryable, details `{ status, action, reason }`. */
export function refuseTransition(err: CaseTransitionError): ApplicationFailure {
  return ApplicationFailure.nonRetryable(err.message, CaseFailure.InvalidTransition, { status: err.state, action: err.action, reason: err.reason ?? null });
}

/** A value the case cannot take: non-retryable, details `{ field }` (the request's field path). */
export function refuseValue(field: string, message: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(message, CaseFailure.InvalidValue, { field });
}

/**
 * Runs a domain check in a validator or handler: a CaseTransitionError becomes the refusal,
 * anything else (a bug) is thrown as it is and fails the workflow task, visibly.
 */
export function asRefusal<T>(check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof CaseTransitionError) throw refuseTransition(err);
    throw err;
  }
}
