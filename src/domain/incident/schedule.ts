import { formatDuration } from '../ui-details';
import type { Due } from '../schedule';
import { addBusinessTime, BusinessCalendar } from '../sla/calendar';
import type { SlaClock } from '../sla/clock';
import type { EscalationStep } from './escalation';
import type { IncidentMetric, IncidentPolicy } from './incident-policy';
import type { IncidentStatus } from './incident';

/**
 * What an incident waits for, as a pure function of its state: the next pages of the escalation
 * ladder, its SLA clocks' at-risk points and deadlines, and a resolved incident's post-incident
 * review reminders and due date. The workflow waits for the earliest of these; tests check the
 * shipped packs' ladders and calendars here, without a worker.
 */

/** A page of the ladder as the schedule sees it (the workflow's page carries more). */
export interface SchedulePage {
  /** 0-based, as the API's `pages[].step`. */
  step: number;
  level: number;
  loop: number;
  targets: readonly string[];
  dueAt: number;
  state: 'scheduled' | 'sent' | 'cancelled';
}

export interface ReviewReminder {
  at: number;
  sent: boolean;
}

/** A timed level engagement as the schedule sees it (engagement.ts). */
export interface ScheduleEngagement {
  level: number;
  targets: readonly string[];
  dueAt: number;
  state: 'scheduled' | 'engaged' | 'cancelled';
}

export interface IncidentScheduleState {
  status: IncidentStatus;
  clocks: Partial<Record<IncidentMetric, SlaClock>>;
  pages: readonly SchedulePage[];
  /** Absent for states from before engagements: none. */
  engagements?: readonly ScheduleEngagement[];
  reviewDueAt: number | null;
  reviewReminders: readonly ReviewReminder[];
  reviewOverdueSent: boolean;
}

/** The clock's name for people: the response clock is stopped by an acknowledgement. */
export function metricName(metric: string): string {
  return metric === 'firstResponse' ? 'acknowledgement' : metric;
}

/**
 * A page as the UI names it, numbered as the API's `pages[]` are (step, level and loop from 0), so
 * "page step 1 (level 1)" in the Temporal UI is `pages[1]` with `level: 1` in GET /v1/incidents/{id}.
 */
export function pageSummary(p: Pick<SchedulePage, 'step' | 'level' | 'loop' | 'targets'>): string {
  return `page step ${p.step} (level ${p.level}${p.loop > 0 ? `, loop ${p.loop}` : ''}): ${p.targets.join(', ')}`;
}

/**
 * Everything the incident is waiting for, each with its timer's name in the Temporal UI. Listed
 * in the order a tie is named by: a page first, then each running clock's deadline before its
 * at-risk point, then the review's due date before its reminders.
 */
export function incidentSchedule(s: IncidentScheduleState): Due[] {
  const due: Due[] = [];
  for (const p of s.pages) {
    if (p.state === 'scheduled') due.push({ at: p.dueAt, summary: pageSummary(p) });
  }
  for (const e of s.engagements ?? []) {
    if (e.state === 'scheduled') due.push({ at: e.dueAt, summary: `engage Level ${e.level}: ${e.targets.join(', ')}` });
  }
  for (const c of Object.values(s.clocks)) {
    if (c === undefined || c.state !== 'running') continue;
    const target = `${formatDuration(c.targetMs)} target`;
    if (c.deadlineAt !== null) due.push({ at: c.deadlineAt, summary: `${metricName(c.metric)} SLA deadline (${target})` });
    if (c.atRiskAt !== null) due.push({ at: c.atRiskAt, summary: `${metricName(c.metric)} SLA at-risk point (${target})` });
  }
  if (reviewOutstanding(s)) {
    if (!s.reviewOverdueSent) due.push({ at: s.reviewDueAt!, summary: 'post-incident review due' });
    for (const r of s.reviewReminders) if (!r.sent) due.push({ at: r.at, summary: 'post-incident review reminder' });
  }
  return due;
}

/** A resolved incident with a review due and none submitted yet (a review moves it on to review_pending). */
export function reviewOutstanding(s: Pick<IncidentScheduleState, 'status' | 'reviewDueAt'>): boolean {
  return s.status === 'resolved' && s.reviewDueAt !== null;
}

/** When each step of the ladder pages: its offset from the trigger, in the priority's coverage. */
export function pageDueTimes(steps: readonly EscalationStep[], calendar: BusinessCalendar, triggeredAt: number): number[] {
  return steps.map((s) => addBusinessTime(calendar, triggeredAt, s.pageAtOffsetMs));
}

/** The review's due date in business time on the review calendar, and a reminder before it for each lead time shorter than the whole window. */
export function reviewTimers(review: Pick<IncidentPolicy['review'], 'calendar' | 'dueAfterMs' | 'remindBeforeMs'>, resolvedAt: number): { dueAt: number; reminders: ReviewReminder[] } {
  const { calendar, dueAfterMs, remindBeforeMs } = review;
  return {
    dueAt: addBusinessTime(calendar, resolvedAt, dueAfterMs),
    reminders: remindBeforeMs.filter((b) => b < dueAfterMs).map((b) => ({ at: addBusinessTime(calendar, resolvedAt, dueAfterMs - b), sent: false })),
  };
}
