import { ActivityFailure, ApplicationFailure, deprecatePatch, patched } from '@temporalio/workflow';
import { slaCreditFor } from '../../domain/policy/ticket-policy';
import { breachSlaClock, isSettled, markSlaClockAtRisk, SlaClock } from '../../domain/sla/clock';
import { notifyAt, planEscalations } from '../../domain/ticket/schedule';
import type { Notification } from '../../integrations/notify/notification';
import { iso } from '../sla-clock-view';
import { recordSlaCredit, sendNotification, sendNotificationLocally } from './activity-proxies';
import { escalationAttachments } from './playback';
import { systemRecord } from './records';
import type { TicketCase } from './ticket.workflow';

/**
 * Acts on everything the ticket's schedule (src/domain/ticket/schedule.ts) has due at `now`, in
 * this order: at-risk warnings, deferred warnings whose coverage window opened, breaches (each
 * scheduling its escalation chain and credit), escalation steps, auto-close. Each item leaves the
 * schedule once acted on. Their records are the clocks' own (systemRecord: a local activity in
 * the same workflow task), so a breach, its record and its first escalation step cost one task.
 */
export async function fireDue(t: TicketCase, now: number): Promise<void> {
  const s = t.state;
  for (const c of s.liveClocks()) {
    if (c.state !== 'running' || c.atRiskAt === null || c.atRiskAt > now) continue;
    const late = c.deadlineAt !== null && c.deadlineAt <= now;
    // A warning whose moment passed while the ticket could not act (its worker or database down)
    // is still given, marked late, before the breach; a window already over when the ticket
    // opened (receivedAt long ago) gets none. Retired patch: its marker, where it was asked.
    if (late && !(c.atRiskAt >= s.openedAt && (deprecatePatch('ticket-late-at-risk-warning'), true))) continue;
    await warnAtRisk(t, c, late, now);
  }
  for (const d of s.deferred) {
    if (d.state !== 'scheduled' || d.dueAt > now) continue;
    const clock = s.liveClocks().find((c) => c.metric === d.metric && c.cycle === d.cycle);
    if (!clock || isSettled(clock)) {
      d.state = 'cancelled'; // answered (or breached, and escalating) before the window opened
      continue;
    }
    d.state = 'sent';
    await clockSend(d.notification);
  }
  for (const c of s.liveClocks()) {
    if (c.state === 'running' && c.deadlineAt !== null && c.deadlineAt <= now) await breach(t, c, now);
  }
  for (const e of s.escalations) {
    if (e.state !== 'scheduled' || e.dueAt > now) continue;
    const clock = [...s.liveClocks(), ...s.history].find((c) => c.metric === e.metric && c.cycle === e.cycle);
    if (clock?.fulfilledAt !== null && clock?.fulfilledAt !== undefined) {
      e.state = 'cancelled'; // answered after the breach: nobody needs waking any more
      continue;
    }
    e.state = 'notified';
    const key = `${t.input.ticketId}:${e.metric}:c${e.cycle}:escalation:${e.step}`;
    // The step is decided; delivery is retried until it succeeds, under the same key.
    await Promise.all([
      clockSend({
        key,
        kind: 'sla_escalation',
        ticketId: t.input.ticketId,
        brand: t.input.brand,
        priority: s.priority,
        metric: e.metric,
        level: e.level,
        recipient: e.level === 'assignee' ? s.assignee : null,
        summary: `${e.metric} SLA breached on ${s.priority} ticket; escalation step ${e.step + 1}: ${e.level}`,
        ...escalationAttachments(t),
      }),
      t.commit('escalated', 'system', { metric: e.metric, cycle: e.cycle, step: e.step, level: e.level }, key, systemRecord()),
    ]);
  }
  if (s.status === 'resolved' && s.resolvedAt !== null && now >= s.resolvedAt + s.policy.autoCloseAfterMs) {
    s.close(now);
    await t.commit('closed', 'system', { automatic: true }, `${t.input.ticketId}:auto-closed:c${s.resolutionCycle}`, systemRecord());
  }
}

/** Issue 17: the clocks' notifications are sent by a local activity (activity-proxies.ts). */
const CLOCK_SENDS_LOCAL_PATCH = 'ticket-clock-sends-local';

/**
 * A notification the clock's step makes (at-risk warning, a deferred warning, an escalation
 * step): tried once in the workflow task that fired it, like its record; when that try fails
 * (the receiver down or slow), the regular activity takes over and retries for a day. A refusal
 * no retry can change (a non-retryable failure) is the same for both and is thrown as the regular
 * send's was. Histories recorded before the patch replay their regular activity. These tasks are
 * timers' (never an update's speculative task), so a send there happens whatever the task's fate.
 * Not async: on the old path its promise is the activity's own (saved histories order by it).
 */
function clockSend(notification: Notification): Promise<unknown> {
  if (!patched(CLOCK_SENDS_LOCAL_PATCH)) return sendNotification(notification);
  return sendNotificationLocally(notification).catch((err: unknown) => {
    if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && err.cause.nonRetryable) throw err;
    return sendNotification(notification);
  });
}

/**
 * Retired patch (issue 13): every notification waits for its coverage window. Its marker stays
 * in histories recorded before; asked at the same moment, they still replay.
 */
function coveredNotifyAt(t: TicketCase, dueAt: number): number {
  deprecatePatch('notify-in-coverage-window');
  return notifyAt(t.state.calendar, dueAt);
}

function stepKey(t: TicketCase, c: SlaClock, step: string): string {
  return `${t.input.ticketId}:${c.metric}:c${c.cycle}:${step}`;
}

/**
 * Not async: its promise is the record's (or the record's and the send's), awaited by fireDue
 * directly, so the loop resumes as many turns later as it always did (saved histories order a
 * loop's timer and a handler's record by that).
 */
function warnAtRisk(t: TicketCase, c: SlaClock, late: boolean, now: number): Promise<unknown> {
  const s = t.state;
  s.clocks[c.metric] = markSlaClockAtRisk(c, now);
  const notification: Notification = {
    key: stepKey(t, c, 'at-risk'),
    kind: 'sla_at_risk',
    ticketId: t.input.ticketId,
    brand: t.input.brand,
    priority: s.priority,
    metric: c.metric,
    level: 'assignee',
    recipient: s.assignee,
    summary: `${c.metric} of ${s.priority} ticket is at risk; deadline ${iso(c.deadlineAt)}${late ? ' (late warning: the deadline has passed)' : ''}`,
    ...(late ? { late: true } : {}),
  };
  const sendAt = coveredNotifyAt(t, now);
  // Recorded first (its number taken now); the record is published and written a turn later,
  // after the send below is scheduled: the order saved histories hold.
  const record = t.commit(
    'sla_at_risk',
    'system',
    { metric: c.metric, cycle: c.cycle, deadlineAt: iso(c.deadlineAt), notifyAt: iso(sendAt), ...(late ? { late: true, dueAt: iso(c.atRiskAt) } : {}) },
    stepKey(t, c, 'at-risk'),
    systemRecord(),
  );
  if (sendAt > now) {
    // The warning is on the record now; the person hears of it when the coverage window opens.
    s.deferred.push({ metric: c.metric, cycle: c.cycle, dueAt: sendAt, notification, state: 'scheduled' });
    return record;
  }
  // Recorded and sent side by side: both are keyed, so each happens once, and one round trip
  // through the worker instead of two keeps warnings on time under load.
  return Promise.all([record, clockSend(notification)]);
}

async function breach(t: TicketCase, c: SlaClock, now: number): Promise<void> {
  const s = t.state;
  s.clocks[c.metric] = breachSlaClock(c, now);
  // Each step is told inside the coverage window; the retired patch was asked at the first one.
  if (s.policy.escalation.length > 0) deprecatePatch('notify-in-coverage-window');
  for (const step of planEscalations(s.policy.escalation, s.calendar, now)) s.escalations.push({ metric: c.metric, cycle: c.cycle, ...step, state: 'scheduled' });
  await t.commit(
    'sla_breached',
    'system',
    { metric: c.metric, cycle: c.cycle, deadlineAt: iso(c.deadlineAt), priority: s.priority, targetSeconds: c.targetMs / 1000 },
    stepKey(t, c, 'breached'),
    systemRecord(),
  );
  const credit = slaCreditFor(s.policy, s.priority, c.metric);
  const credits = s.policy.credits;
  if (credit && credits) {
    await t.attention.record('sla_credit', () =>
      recordSlaCredit({
        key: stepKey(t, c, 'credit'),
        ticketId: t.input.ticketId,
        brand: t.input.brand,
        customerRef: t.input.customerRef,
        plan: credits.plan,
        priority: s.priority,
        metric: c.metric,
        percent: credit.percent,
        amountMinor: credit.amountMinor,
        currency: credit.currency,
        monthlyCapPercent: credits.monthlyCapPercent,
        monthlyFeeMinor: credits.monthlyFee.amountMinor,
        rule: `${s.policy.version}: ${s.priority} ${c.metric} breach = ${credit.percent}% of monthly fee, capped at ${credits.monthlyCapPercent}% a month`,
        breachedAt: new Date(now).toISOString(),
      }),
    );
  }
}
