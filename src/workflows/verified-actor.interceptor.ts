import { ApplicationFailure, Next, UpdateInput, WorkflowInboundCallsInterceptor, WorkflowInterceptorsFactory } from '@temporalio/workflow';
import { UNVERIFIED_ACTOR_FAILURE, unverifiedActorReason } from '../domain/verified-actor';
import { VERIFIED_CALLER } from '../temporal/payload-metadata';

/**
 * Every update of every workflow acts for a caller the service vouches for. Anyone who reaches
 * the Temporal frontend (Web UI "Send an Update", CLI, SDK) can write any `actor`; only the API
 * can bind a payload to its authenticated caller (src/temporal/actor-binding.ts), and the payload
 * converter hands the verified caller to this validator. Refused in validation, an update leaves
 * no event. Validators do not run on replay, so old histories replay unchanged.
 *
 * Signals carry no actor (they come from the worker's own workflows, the billing webhook and the
 * alert intake) and are not checked here.
 */
class VerifiedActorInbound implements WorkflowInboundCallsInterceptor {
  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const arg: unknown = input.args[0];
    const caller = typeof arg === 'object' && arg !== null ? (arg as { [VERIFIED_CALLER]?: unknown })[VERIFIED_CALLER] : undefined;
    // Workflow time: deterministic, and what "5 minutes old" means for a replayed payload.
    const reason = input.args.length === 1 ? unverifiedActorReason(arg, caller, Date.now()) : 'the action must be one JSON object sent through the Caseworks API';
    if (reason !== undefined) {
      const refusal = ApplicationFailure.nonRetryable(reason, UNVERIFIED_ACTOR_FAILURE, { reason: 'unverified-actor', field: 'actor' });
      // The stack travels with the failure (the Web UI and the CLI show it): the sentence is enough.
      refusal.stack = `${refusal.name}: ${reason}`;
      throw refusal;
    }
    next(input);
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new VerifiedActorInbound()],
});
