import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { BillingFailure } from '../../workflows/billing/messages';
import { Problem } from '../problem/problem';
import { problemFromTemporal } from '../temporal/temporal-problems';

/**
 * What a billing case's validator refused, as a problem: an account change before the customer's
 * identity was confirmed is a 409 that names the missing confirmation; the rest as for every case.
 */
export function billingProblem(err: unknown, what: string, id: string): never {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === BillingFailure.IdentityNotConfirmed) {
    const details = (err.cause.details?.[0] ?? {}) as { missing?: string; action?: string };
    throw Problem.conflict('identity-not-confirmed', err.cause.message, {
      missing: details.missing,
      action: details.action,
      errors: [{ field: details.missing ?? 'identityConfirmation', message: 'the customer identity is not confirmed on this case: POST …/confirm-identity first' }],
    });
  }
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.type === BillingFailure.CardDataRefused) {
    const details = (err.cause.details?.[0] ?? {}) as { field?: string };
    throw Problem.conflict('manual-remediation', err.cause.message, { state: 'manual_remediation', errors: [{ field: details.field ?? 'body', message: 'the case record held card data; the case is in manual remediation' }] });
  }
  return problemFromTemporal(err, what, id);
}
