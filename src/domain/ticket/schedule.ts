import type { EscalationLevel, SlaMetric } from '../policy/policy.schema';
import type { TicketPolicy } from '../policy/ticket-policy';
import type { Due } from '../schedule';
import { addBusinessTime, BusinessCalendar } from '../sla/calendar';
import { SlaClock, slaClockKind } from '../sla/clock';
import { formatDuration } from '../ui-details';
import { notificationTime } from '../sla/notification-window';
import type { TicketStatus } from '../ticket';

/**
 * What a ticket waits for, as a pure function of its state: each running SLA clock's at-risk
 * point and deadline, the escalation steps and deferred warnings a breach or an at-risk point
 * scheduled, the auto-close of a resolved ticket and the end of its CSAT survey. The workflow
 * waits for the earliest (src/workflows/common/agenda.ts); the summaries name its timer in the UI.
 */
export interface TicketScheduleState {
  status: TicketStatus;
  /** The live clocks (one per metric), in the ticket's order: the first listed names a shared moment. */
  clocks: readonly SlaClock[];
  escalations: readonly { metric: SlaMetric; level: EscalationLevel; dueAt: number; state: string }[];
  deferred: readonly { metric: SlaMetric; dueAt: number; state: string; notification: { kind: string } }[];
  resolvedAt: number | null;
  autoCloseAfterMs: number;
  surveyClosesAt: number | null;
  csatGiven: boolean;
}

/** Everything still due, in no time order: the order only breaks ties (earliest() keeps the first). */
export function ticketSchedule(s: TicketScheduleState, now: number): Due[] {
  const due: Due[] = [];
  for (const c of s.clocks) {
    if (c.state !== 'running') continue;
    const target = `${formatDuration(c.targetMs)} ${slaClockKind(c) === 'calendar' ? 'elapsed' : 'business'} target`;
    if (c.deadlineAt !== null) due.push({ at: c.deadlineAt, summary: `${c.metric} SLA deadline (${target})` });
    if (c.atRiskAt !== null) due.push({ at: c.atRiskAt, summary: `${c.metric} SLA at-risk point (${target})` });
  }
  for (const e of s.escalations) if (e.state === 'scheduled') due.push({ at: e.dueAt, summary: `escalation to ${e.level} (${e.metric})` });
  for (const d of s.deferred) {
    if (d.state === 'scheduled') due.push({ at: d.dueAt, summary: `${d.notification.kind} notification (${d.metric}) at the coverage window's opening` });
  }
  const surveyWindow = s.status === 'resolved' ? 'auto-close / CSAT survey window' : 'CSAT survey window';
  if (s.status === 'resolved' && s.resolvedAt !== null) due.push({ at: s.resolvedAt + s.autoCloseAfterMs, summary: surveyWindow });
  // The survey's end only ends the loop (once closed); it is a wake-up while still ahead.
  if (s.surveyClosesAt !== null && !s.csatGiven && s.surveyClosesAt > now) due.push({ at: s.surveyClosesAt, summary: surveyWindow });
  return due;
}

/**
 * When a notification due at `dueAt` goes out: at once for a 24×7 priority, else not before the
 * coverage window opens (src/domain/sla/notification-window.ts). The fact itself is recorded at `dueAt`.
 */
export function notifyAt(calendar: BusinessCalendar, dueAt: number): number {
  return notificationTime(calendar, dueAt);
}

/** One step of the escalation chain a breach schedules. */
export interface PlannedEscalation {
  step: number;
  level: EscalationLevel;
  dueAt: number;
}

/**
 * The escalation chain of a breach at `breachedAt`: each step after its business-time delay on the
 * priority's calendar (0: at once), told inside the coverage window.
 */
export function planEscalations(chain: TicketPolicy['escalation'], calendar: BusinessCalendar, breachedAt: number): PlannedEscalation[] {
  return chain.map((step, i) => ({
    step: i,
    level: step.level,
    dueAt: notifyAt(calendar, step.afterMs === 0 ? breachedAt : addBusinessTime(calendar, breachedAt, step.afterMs)),
  }));
}
