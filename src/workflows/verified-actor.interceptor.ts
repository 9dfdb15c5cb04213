import {
  ApplicationFailure,
  log,
  Next,
  deprecatePatch,
  patched,
  SignalInput,
  UpdateInput,
  WorkflowExecuteInput,
  WorkflowInboundCallsInterceptor,
  WorkflowInterceptorsFactory,
  workflowInfo,
} from '@temporalio/workflow';
import { BINDING_MAX_AGE_MS, isVerifiedCaller, UNVERIFIED_ACTOR_FAILURE, unverifiedActorReason } from '../domain/verified-actor';
import { unverifiedSignalReason, unverifiedStartReason } from '../domain/verified-signal';
import { VERIFIED_CALLER } from '../temporal/payload-metadata';

/**
 * Patch IDs: histories recorded before these checks existed hold unbound starts and signals that
 * were applied; on replay they must be applied again, so the checks run only where the patch
 * marker is (every new execution, and every signal a running case receives from now on).
 */
export const VERIFIED_START_PATCH = 'caseworks-verified-start';
export const VERIFIED_SIGNALS_PATCH = 'caseworks-verified-signals';
/** Recorded only when a start is refused: replay repeats the refusal from it (see execute). */
export const START_REFUSED_PATCH = 'caseworks-start-refused';

/**
 * Every action on a case comes from a caller the service vouches for. Anyone who reaches the
 * Temporal frontend (Web UI, CLI, SDK, their own worker) can start a workflow, signal it or send
 * an update with any input; only the API (for its authenticated caller) and the worker (for what
 * its workflows send to workflows, and its schedules) can bind a payload
 * (src/temporal/actor-binding.ts), and the payload converter hands the verified caller to this
 * interceptor.
 *
 * - Updates: refused in validation (no event) when the caller is not verified, too old, or its
 *   nonce was already applied in this run. Validators do not run on replay.
 * - Signals: cannot be refused; one without a verified caller, from the wrong sender or with a
 *   nonce already applied is dropped: its event stays in history but it changes nothing. The
 *   check runs again on replay, so replaying a case needs its real workflow ID and the same
 *   PAYLOAD_ENCRYPTION_KEY (the binding key derives from it), as decrypting its payloads does.
 * - Starts: a workflow whose input carries no verified caller fails at once, before its body
 *   runs (no activity, no write).
 *
 * Single use: the nonces of the updates and signals this run applied are remembered when they are
 * HANDLED (handlers run on replay too, validators do not, so the memory is rebuilt identically
 * after a cache eviction). An update nonce is forgotten once its binding is past
 * BINDING_MAX_AGE_MS (the age rule refuses it from then on); signals have no age rule (a signal
 * sent while no worker runs is processed later, in later workflow time), so their nonces are kept
 * for the run. Across continue-as-new the memory starts empty: the new run's updates are still
 * bounded by the 5-minute age rule, but a signal payload copied from the previous run's history
 * would be applied once more in the new run (a known gap: carrying the nonces would change every
 * workflow's carried state).
 */
class VerifiedActorInbound implements WorkflowInboundCallsInterceptor {
  /** Nonce → workflow time after which it is forgotten. */
  private readonly applied = new Map<string, number>();
  private readonly wasApplied = (nonce: string): boolean => this.applied.has(nonce);

  async execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    // Retired version patch (issue 13): every start is checked; called where patched() was, so
    // histories recorded with its marker replay.
    deprecatePatch(VERIFIED_START_PATCH);
    const reason = unverifiedStartReason(input.args, callerOf(input.args[0]));
    // The decision is recorded (a second marker, only on refusal) and replay follows the record,
    // not a new check: a replay with another workflow ID (replay tools) or after the payload key
    // changed would verify differently and must still do what the run did.
    const refused = workflowInfo().unsafe.isReplaying ? patched(START_REFUSED_PATCH) : reason !== undefined && patched(START_REFUSED_PATCH);
    if (refused) {
      log.warn('case start refused: unverified input', { reason: reason ?? 'recorded' });
      throw refusal(reason ?? 'the case was not started by the Caseworks service', 'input');
    }
    return next(input);
  }

  async handleSignal(input: SignalInput, next: Next<WorkflowInboundCallsInterceptor, 'handleSignal'>): Promise<void> {
    deprecatePatch(VERIFIED_SIGNALS_PATCH);
    const caller = callerOf(input.args[0]);
    const reason = unverifiedSignalReason(input.signalName, input.args, caller, this.wasApplied);
    if (reason !== undefined) {
      // Never the values: a forged signal may carry anything, personal data included.
      log.warn('signal dropped', { signal: input.signalName, reason });
      return;
    }
    if (isVerifiedCaller(caller) && caller.nonce !== undefined) this.remember(caller.nonce, Number.POSITIVE_INFINITY);
    return next(input);
  }

  validateUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'validateUpdate'>): void {
    const arg: unknown = input.args[0];
    // Workflow time: deterministic, and what "5 minutes old" means for a replayed payload.
    const reason =
      input.args.length === 1 ? unverifiedActorReason(arg, callerOf(arg), Date.now(), this.wasApplied) : 'the action must be one JSON object sent through the Caseworks API';
    if (reason !== undefined) throw refusal(reason, 'actor');
    next(input);
  }

  async handleUpdate(input: UpdateInput, next: Next<WorkflowInboundCallsInterceptor, 'handleUpdate'>): Promise<unknown> {
    const caller = callerOf(input.args[0]);
    if (isVerifiedCaller(caller) && caller.nonce !== undefined) this.remember(caller.nonce, Math.max(caller.at, Date.now()) + BINDING_MAX_AGE_MS);
    return next(input);
  }

  private remember(nonce: string, forgetAt: number): void {
    const now = Date.now();
    for (const [known, until] of this.applied) if (until < now) this.applied.delete(known);
    this.applied.set(nonce, forgetAt);
  }
}

/** The caller the actor-binding codec verified, as the payload converter attached it. */
function callerOf(arg: unknown): unknown {
  return typeof arg === 'object' && arg !== null ? (arg as { [VERIFIED_CALLER]?: unknown })[VERIFIED_CALLER] : undefined;
}

function refusal(reason: string, field: string): ApplicationFailure {
  const failure = ApplicationFailure.nonRetryable(reason, UNVERIFIED_ACTOR_FAILURE, { reason: 'unverified-actor', field });
  // The stack travels with the failure (the Web UI and the CLI show it): the sentence is enough.
  failure.stack = `${failure.name}: ${reason}`;
  return failure;
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [new VerifiedActorInbound()],
});
