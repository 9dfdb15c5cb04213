import { ApplicationFailure } from '@temporalio/workflow';
import { BillingFieldError } from '../../domain/billing/agent-note';
import { IdentityConfirmation, identityConfirmation, IdentityNotConfirmedError, requireConfirmedIdentity } from '../../domain/billing/identity';
import { CaseTransitionError } from '../../domain/case-transition';
import { refuseTransition, refuseValue } from '../common/refusals';
import { BillingFailure, ConfirmIdentityRequest } from './messages';

/**
 * Identity confirmation as every billing case does it (refund, dunning): the agent's
 * confirm-identity update records who confirmed and how; account changes are refused by their
 * validators until it is on the record, so a refused change never enters history.
 */
export class IdentityGate {
  private confirmation: IdentityConfirmation | null;

  /** `restored`: the confirmation a case carried across continue-as-new. */
  constructor(restored: IdentityConfirmation | null = null) {
    this.confirmation = restored;
  }

  get record(): IdentityConfirmation | null {
    return this.confirmation;
  }

  /** Validator of confirm-identity: the method is described and holds no card number. */
  validate(request: ConfirmIdentityRequest): void {
    asBillingFailure(() => identityConfirmation(request.actor, request.method, 0));
  }

  /** Handler of confirm-identity, at workflow time. */
  confirm(request: ConfirmIdentityRequest): IdentityConfirmation {
    this.confirmation = identityConfirmation(request.actor, request.method, Date.now());
    return this.confirmation;
  }

  /** Validator of an account change: throws IdentityNotConfirmed (HTTP 409) until confirmed. */
  require(action: string): void {
    asBillingFailure(() => requireConfirmedIdentity(this.confirmation, action));
  }
}

/**
 * Runs a pure billing rule inside an update validator; its typed refusal becomes the
 * ApplicationFailure the API maps to a problem: 409 naming the missing confirmation or the state,
 * 422 naming the field.
 */
export function asBillingFailure<T>(rule: () => T): T {
  try {
    return rule();
  } catch (err) {
    if (err instanceof IdentityNotConfirmedError) {
      throw ApplicationFailure.nonRetryable(err.message, BillingFailure.IdentityNotConfirmed, { missing: err.missing, action: err.action });
    }
    if (err instanceof CaseTransitionError) throw refuseTransition(err);
    if (err instanceof BillingFieldError) throw refuseValue(err.field, err.message);
    throw err;
  }
}
