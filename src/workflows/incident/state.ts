import { INCIDENT_METRICS, IncidentMetric } from '../../domain/incident/incident-policy';
import { BusinessCalendar } from '../../domain/sla/calendar';
import { SlaClock, startSlaClock } from '../../domain/sla/clock';
import type { IncidentCarried, IncidentInput } from './messages';

/**
 * The incident's own state: what a run changes and hands to the next. The case machinery's part
 * of IncidentCarried (records, retried updates, the attention flag, the run's number) is the
 * core's (CaseRecorder, RetriedUpdates, CaseAttention).
 */
export type IncidentState = Omit<IncidentCarried, 'attention' | 'seq' | 'unrecorded' | 'run' | 'updates' | 'handedOverUpdates' | 'engagements' | 'enterprise'> & {
  engagements: NonNullable<IncidentCarried['engagements']>;
  enterprise: boolean;
};

/** The incident's coverage: the enterprise calendar for an incident affecting an enterprise customer, else its priority's. */
export function calendarOf(input: IncidentInput, priority: string, enterprise: boolean): BusinessCalendar {
  if (enterprise && input.policy.enterpriseCalendar !== undefined) return input.policy.enterpriseCalendar;
  return input.policy.priorities[priority].calendar;
}

/** The priority's clock for `metric` started at `now`, or undefined when the priority has no such target. */
export function startedClock(input: IncidentInput, priority: string, enterprise: boolean, metric: IncidentMetric, now: number): SlaClock | undefined {
  const target = input.policy.priorities[priority].targets[metric];
  return target === undefined ? undefined : startSlaClock(metric, target, calendarOf(input, priority, enterprise), now, { atRiskRatio: input.policy.atRiskRatio });
}

/** A new incident: triggered, every clock of its priority running from the trigger. */
export function openingState(input: IncidentInput, openedAt: number): IncidentState {
  const clocks: IncidentState['clocks'] = {};
  for (const metric of INCIDENT_METRICS) {
    const clock = startedClock(input, input.priority, input.enterprise === true, metric, openedAt);
    if (clock) clocks[metric] = clock;
  }
  return {
    openedAt,
    status: 'triggered',
    priority: input.priority,
    clocks,
    pages: [],
    pagingPlanned: false,
    alertCount: input.alertCount,
    lastAlertAt: input.alertCount > 0 ? openedAt : null,
    acknowledgedBy: null,
    acknowledgedAt: null,
    mitigatedAt: null,
    resolvedAt: null,
    resolvedBy: null,
    closedAt: null,
    recentNotes: [],
    notesTotal: 0,
    linkedTickets: [],
    review: null,
    reviewDueAt: null,
    reviewReminders: [],
    reviewOverdueSent: false,
    breachEscalated: [],
    pendingAutoResolve: null,
    engagements: [],
    enterprise: input.enterprise === true,
  };
}

/** A copy sharing nothing mutable: what a run carries over, or restores from what it was handed. */
export function copyState(s: Omit<IncidentState, 'engagements' | 'enterprise'> & Pick<IncidentCarried, 'engagements' | 'enterprise'>): IncidentState {
  return {
    openedAt: s.openedAt,
    status: s.status,
    priority: s.priority,
    clocks: { ...s.clocks },
    pages: s.pages.map((p) => ({ ...p })),
    pagingPlanned: s.pagingPlanned,
    alertCount: s.alertCount,
    lastAlertAt: s.lastAlertAt,
    acknowledgedBy: s.acknowledgedBy,
    acknowledgedAt: s.acknowledgedAt,
    mitigatedAt: s.mitigatedAt,
    resolvedAt: s.resolvedAt,
    resolvedBy: s.resolvedBy,
    closedAt: s.closedAt,
    recentNotes: s.recentNotes.map((n) => ({ ...n })),
    notesTotal: s.notesTotal,
    linkedTickets: [...s.linkedTickets],
    review: s.review,
    reviewDueAt: s.reviewDueAt,
    reviewReminders: s.reviewReminders.map((r) => ({ ...r })),
    reviewOverdueSent: s.reviewOverdueSent,
    breachEscalated: [...s.breachEscalated],
    pendingAutoResolve: s.pendingAutoResolve,
    // Runs carried before engagements existed have none.
    engagements: (s.engagements ?? []).map((e) => ({ ...e, targets: [...e.targets] })),
    // Runs carried before the flag existed: no incident was marked then.
    enterprise: s.enterprise ?? false,
  };
}

export function liveClocks(s: Pick<IncidentState, 'clocks'>): SlaClock[] {
  return Object.values(s.clocks).filter((c): c is SlaClock => c !== undefined);
}

/** The earliest deadline of a running clock (the UI's and the search attribute's "next deadline"). */
export function nextDeadline(s: Pick<IncidentState, 'clocks'>): number | null {
  const deadlines = liveClocks(s).flatMap((c) => (c.state === 'running' && c.deadlineAt !== null ? [c.deadlineAt] : []));
  return deadlines.length ? Math.min(...deadlines) : null;
}
