import { ActivityFailure, CancellationScope, isCancellation, proxyActivities } from '@temporalio/workflow';
import type { createActivities } from '../../activities';
import { CRM_LOOKUP } from '../common/retry-policies';
import type { TicketCase } from './ticket.workflow';

const { resolveTicketEntitlement } = proxyActivities<ReturnType<typeof createActivities>>(CRM_LOOKUP);

/**
 * A ticket opened while the CRM did not answer (entitlement `unverified`) asks it again beside
 * the lifecycle, and moves to the plan it gives: the SLA targets follow, as on a priority change
 * (the clocks keep their start, their deadlines move). Runs in its own scope so a ticket that
 * closes before the CRM answers stops asking. Tickets opened before the lookup never get here.
 */
export function settleEntitlement(t: TicketCase): { done: Promise<void>; stop: () => void } {
  const scope = new CancellationScope();
  const done = scope.run(() => askCrm(t)).catch((err: unknown) => {
    if (!isCancellation(err)) throw err;
  });
  return { done, stop: () => scope.cancel() };
}

async function askCrm(t: TicketCase): Promise<void> {
  const { input, state } = t;
  const asked = state.entitlement;
  if (asked?.status !== 'unverified') return;
  let settled;
  try {
    settled = await resolveTicketEntitlement({
      ticketId: input.ticketId,
      brand: input.brand,
      channel: input.channel,
      priority: state.priority,
      customerRef: input.customerRef,
      claimedPlan: asked.claimedPlan,
      currentPlan: state.plan,
    });
  } catch (err) {
    if (!(err instanceof ActivityFailure) || isCancellation(err)) throw err;
    // Retries spent (a day) or a worker that cannot ask: the ticket stays on its entry plan, and its
    // record says the CRM never confirmed it. A later run (after continue-as-new) asks again.
    state.entitlement = { ...asked, reason: `the CRM could not be asked: ${err.cause?.message ?? err.message}` };
    await t.commit('entitlement_unresolved', 'system', { plan: state.plan }, `${input.ticketId}:entitlement-unresolved`);
    return;
  }
  const from = state.plan;
  const fromVersion = state.policy.version;
  if (settled.policy && state.status !== 'closed') {
    const oldCalendar = state.calendar;
    state.policy = settled.policy;
    state.plan = settled.plan;
    state.retargetAll(Date.now(), oldCalendar);
  }
  state.entitlement = settled.entitlement;
  await t.commit('entitlement_settled', 'crm', { status: settled.entitlement.status, from, to: state.plan, ...(state.policy.version !== fromVersion ? { policyVersion: state.policy.version } : {}) }, `${input.ticketId}:entitlement-settled`);
}
