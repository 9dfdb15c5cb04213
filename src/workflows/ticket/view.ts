import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import { PLAYBACK_CHECKS } from '../../domain/playback/checklist';
import { reportFactsView } from '../../domain/ticket/report-facts';
import { anyBreached } from '../../domain/sla/bounded-history';
import { SlaClock, slaClockKind } from '../../domain/sla/clock';
import { earliest } from '../../domain/schedule';
import { caseDetailsMarkdown, DetailsAction, formatDuration } from '../../domain/ui-details';
import type { CaseAttention } from '../common/needs-attention';
import { iso, slaClockView } from '../sla-clock-view';
import { Assignee, CaseStatus, Priority, SlaBreached, SlaNextDeadline } from '../search-attributes';
import type { SlaMetricView, TicketInput, TicketView } from './messages';
import type { TicketState } from './state';

/** The ticket as the API, the read model and the status query see it, at `now`. */
export function ticketView(input: TicketInput, s: TicketState, attention: CaseAttention, now: number): TicketView {
  const clockView = (c: SlaClock): SlaMetricView => slaClockView(c, s.calendar, now);
  const live = s.liveClocks();
  const sla: TicketView['sla'] = {};
  for (const c of live) sla[c.metric] = clockView(c);
  return {
    id: input.ticketId,
    brand: input.brand,
    channel: input.channel,
    priority: s.priority,
    plan: s.plan,
    // Only for tickets opened with a CRM lookup, so older views read as before.
    ...(s.entitlement ? { entitlement: s.entitlement } : {}),
    status: s.status,
    assignee: s.assignee,
    mentor: s.mentor,
    subject: input.subject,
    description: input.description,
    customerRef: input.customerRef,
    // Only when set, so the views of tickets opened without an account read as before.
    ...(input.account ? { account: input.account } : {}),
    socialPost: input.socialPost ?? null,
    policyVersion: s.policy.version,
    openedAt: new Date(s.openedAt).toISOString(),
    receivedAt: new Date(s.receivedAt).toISOString(),
    resolvedAt: iso(s.resolvedAt),
    closedAt: iso(s.closedAt),
    slaBreached: anyBreached([...s.history, ...live], s.earlierClocks),
    atRisk: live.some((c) => c.state === 'running' && c.atRiskSince !== null),
    nextDeadlineAt: iso(s.nextDeadline()),
    sla,
    slaHistory: s.history.map(clockView),
    // Present once a long conversation's oldest clocks are only counted (older views unchanged).
    ...(Object.keys(s.earlierClocks).length ? { slaHistoryEarlier: s.earlierClocks } : {}),
    escalations: s.escalations.map((e) => ({ metric: e.metric, cycle: e.cycle, level: e.level, dueAt: new Date(e.dueAt).toISOString(), state: e.state })),
    agentReplies: s.agentReplies,
    reopenCount: s.reopenCount,
    firstContactResolution: s.fcr,
    csat: s.csat && { score: s.csat.score, comment: s.csat.comment, at: new Date(s.csat.at).toISOString() },
    surveyClosesAt: iso(s.surveyClosesAt),
    category: input.category ?? 'general',
    troubleshooting: PLAYBACK_CHECKS.flatMap((c) => s.checks[c] ?? []),
    ...reportFactsView(s.reportFacts),
    ...attention.viewField,
  };
}

/** Search attributes (what lists filter on) and the UI's details table, after each change. */
export function publishTicket(input: Pick<TicketInput, 'ticketId' | 'channel' | 'customerRef'>, s: TicketState, recent: readonly DetailsAction[]): void {
  const next = s.nextDeadline();
  upsertSearchAttributes([
    { key: CaseStatus, value: s.status },
    { key: Priority, value: s.priority },
    { key: SlaBreached, value: anyBreached([...s.history, ...s.liveClocks()], s.earlierClocks) },
    // Cleared once no clock runs, so "SlaNextDeadline < now+1h" lists only live obligations.
    { key: SlaNextDeadline, value: next === null ? null : new Date(next) },
    { key: Assignee, value: s.assignee },
  ]);
  setCurrentDetails(ticketDetails(input, s, recent, Date.now()));
}

/** The details pane: state, what is next, each live clock in the coverage calendar's zone and UTC, the last actions. */
export function ticketDetails(input: Pick<TicketInput, 'ticketId' | 'channel' | 'customerRef'>, s: TicketState, recent: readonly DetailsAction[], now: number): string {
  const next = earliest(s.schedule(now));
  const pending = s.escalations.filter((e) => e.state === 'scheduled');
  return caseDetailsMarkdown({
    headline: `**${s.status}** · ${s.priority} ticket ${input.ticketId} via ${input.channel} · assignee ${s.assignee ?? 'none'}${s.mentor ? ` (mentor ${s.mentor})` : ''} · policy ${s.policy.version}`,
    next: next && { what: next.summary, at: next.at },
    timeZone: s.calendar.timeZone,
    clocks: s.liveClocks().map((c) => ({
      name: `${c.metric}${c.cycle > 1 ? ` (cycle ${c.cycle})` : ''}`,
      target: `${formatDuration(c.targetMs)} ${slaClockKind(c) === 'calendar' ? 'elapsed' : 'business'}`,
      dueAt: c.deadlineAt,
      atRiskAt: c.atRiskAt ?? c.atRiskSince,
      state: `${c.state}${c.atRiskSince !== null && c.state === 'running' ? ' (at risk)' : ''}${c.pauseReason ? ` (${c.pauseReason.replace(/_/g, ' ')})` : ''}`,
    })),
    sections: pending.length ? [`Escalation pending: ${pending.map((e) => `${e.level} (${e.metric})`).join(', ')}`] : [],
    // The customer acts under their reference: the pane says "customer", never the reference.
    recent: recent.map((a) => (a.actor === input.customerRef ? { ...a, actor: 'customer' } : a)),
  });
}
