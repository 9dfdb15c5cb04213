import { AppliedNonces, isVerifiedCaller, singleUseReason } from './verified-actor';

/**
 * Who may send which signal, and whether a workflow start carries a caller the service vouches
 * for. Pure: the verified-actor workflow interceptor asks it for every signal and every start.
 * Reasons name the signal and the rule, never a value (a forged payload may hold anything).
 */

/** The worker's own identity (src/temporal/actor-binding.ts binds what its workflows send to workflows). */
export const WORKER_IDENTITY = Object.freeze({ name: 'system:worker', role: 'system' });

/** Sent only by one case workflow to another (alert group ⇄ incident, incident → ticket). */
export const WORKFLOW_SIGNALS: readonly string[] = ['moreAlerts', 'alertsCleared', 'incidentResolved', 'incidentEnded'];

/**
 * Sent only by the billing webhook, which acts as `system:billing-webhook` (role `system`). The
 * rule asks for the role, not the name: no API key or IdP token carries role `system`, only the
 * service's named routes do (and the test harness's system caller).
 */
export const BILLING_SIGNALS: readonly string[] = ['invoicePaid', 'disputeClosed', 'refundUpdated'];

/**
 * Undefined when the signal may be applied; otherwise why it is dropped. Any other signal (the
 * alert intake's `alert`, `alertResolved`) needs a verified caller only: the intake's key.
 */
export function unverifiedSignalReason(signalName: string, args: readonly unknown[], caller: unknown, applied: AppliedNonces): string | undefined {
  const arg = args[0];
  if (args.length !== 1 || typeof arg !== 'object' || arg === null || Array.isArray(arg)) return 'the signal must be one JSON object sent by the Caseworks service';
  if (!isVerifiedCaller(caller)) return 'the signal was not sent by the Caseworks service: it carries no caller the service vouches for';
  const nonceRefusal = singleUseReason(caller, applied);
  if (nonceRefusal !== undefined) return nonceRefusal;
  if (WORKFLOW_SIGNALS.includes(signalName) && (caller.name !== WORKER_IDENTITY.name || caller.role !== WORKER_IDENTITY.role)) {
    return `only the case workflows send ${signalName}`;
  }
  if (BILLING_SIGNALS.includes(signalName) && caller.role !== 'system') return `only the billing webhook sends ${signalName}`;
  return undefined;
}

/**
 * Undefined when a workflow may run its body: its input is one JSON object bound to a caller the
 * service vouches for (the API's caller, or the worker for child workflows, continue-as-new and
 * schedules). No age rule: a schedule's input was bound when the schedule was created, and a
 * start cannot be repeated within a run (the nonce rule has nothing to guard).
 */
export function unverifiedStartReason(args: readonly unknown[], caller: unknown): string | undefined {
  const arg = args[0];
  if (args.length !== 1 || typeof arg !== 'object' || arg === null || Array.isArray(arg)) return 'a case must be started through the Caseworks API with one JSON object';
  if (!isVerifiedCaller(caller)) return 'the case was not started by the Caseworks service: its input carries no caller the service vouches for';
  return undefined;
}
