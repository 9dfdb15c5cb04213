import type { Due } from '../schedule';
import { DisputePolicy, internalDeadline } from './dispute';
import { DunningAttempt } from './dunning';

/**
 * What each billing case waits for, as pure functions of its state (src/domain/schedule.ts): the
 * workflows wait for the earliest, and the shipped packs' clocks are unit-tested without one.
 */

/** A settling refund: the gateway's news (due at once), the next poll, the at-risk and breach clocks. */
export interface RefundSettlementState {
  warnAt: number;
  breachAt: number;
  atRisk: boolean;
  breached: boolean;
  /** The gateway's webhook news arrived and is not acted on yet. */
  news: boolean;
}

export function refundSettlementSchedule(s: RefundSettlementState, now: number, pollEveryMs: number): Due[] {
  return [
    ...(s.news ? [{ at: now, summary: 'refund: act on the gateway news' }] : []),
    // Each wait polls at its end, whatever else it woke for (no webhook may ever come).
    { at: now + pollEveryMs, summary: 'refund: poll the gateway' },
    ...(s.atRisk ? [] : [{ at: s.warnAt, summary: 'refund settlement at risk' }]),
    ...(s.breached ? [] : [{ at: s.breachAt, summary: 'refund settlement breached' }]),
  ];
}

/** A contested dispute still collecting evidence: reminders ahead of our deadline, then the deadline itself. */
export interface DisputeContestState {
  dueBy: number;
  /** Reminder instants fixed when contesting began (reminderTimes), and how many went out. */
  reminders: number[];
  sentReminders: number;
  /** A case from before submission at the internal deadline only told a person, once (carried). */
  missedNotified: boolean;
  /** Evidence arrived that the gateway has not staged yet, or the checklist is complete: due at once. */
  evidencePending: boolean;
}

export function disputeSchedule(s: DisputeContestState, policy: DisputePolicy, now: number): Due[] {
  const deadline = internalDeadline(s.dueBy, policy);
  const reminder = s.reminders[s.sentReminders];
  return [
    ...(s.evidencePending ? [{ at: now, summary: 'dispute: stage the evidence (and submit a complete checklist)' }] : []),
    ...(reminder === undefined ? [] : [{ at: reminder, summary: `dispute: evidence reminder ${s.sentReminders + 1} of ${s.reminders.length}` }]),
    ...(s.missedNotified ? [] : [{ at: deadline, summary: 'dispute: internal deadline, submit what is staged' }]),
  ];
}

/** A dunning case: the next step of its schedule not yet taken (each happens once, in order). */
export function dunningStepSchedule(steps: readonly DunningAttempt[], done: ReadonlySet<number>): Due[] {
  const next = steps.find((s) => !done.has(s.attempt));
  return next ? [{ at: next.at, summary: `dunning step ${next.attempt}: ${next.kind.replace(/_/g, ' ')}` }] : [];
}
