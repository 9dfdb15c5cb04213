import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { IncidentMetric } from '../../domain/incident/incident-policy';
import type { CaseAttention } from '../common/needs-attention';
import { Assignee, CaseStatus, Priority, SlaBreached, SlaNextDeadline } from '../search-attributes';
import { iso, slaClockView } from '../sla-clock-view';
import type { IncidentInput, IncidentView } from './messages';
import { calendarOf, IncidentState, liveClocks, nextDeadline } from './state';

/** What GET, the query and every update answer show: bounded (note previews only). */
export function incidentView(input: IncidentInput, s: IncidentState, attention: CaseAttention, now: number): IncidentView {
  const calendar = calendarOf(input, s.priority, s.enterprise);
  const sla: IncidentView['sla'] = {};
  for (const c of liveClocks(s)) sla[c.metric as IncidentMetric] = slaClockView(c, calendar, now);
  return {
    id: input.incidentId,
    brand: input.brand,
    priority: s.priority,
    status: s.status,
    title: input.title,
    impact: input.impact,
    services: input.services,
    source: input.source,
    fingerprint: input.fingerprint,
    alertCount: s.alertCount,
    lastAlertAt: iso(s.lastAlertAt),
    policyVersion: input.policy.version,
    openedAt: new Date(s.openedAt).toISOString(),
    acknowledgedBy: s.acknowledgedBy,
    acknowledgedAt: iso(s.acknowledgedAt),
    mitigatedAt: iso(s.mitigatedAt),
    resolvedAt: iso(s.resolvedAt),
    resolvedBy: s.resolvedBy,
    closedAt: iso(s.closedAt),
    slaBreached: liveClocks(s).some((c) => c.state === 'breached'),
    nextDeadlineAt: iso(nextDeadline(s)),
    sla,
    pages: s.pages.map((p) => ({ ...p, dueAt: new Date(p.dueAt).toISOString(), sentAt: iso(p.sentAt) })),
    enterprise: s.enterprise,
    engagements: s.engagements.map((e) => ({ ...e, targets: [...e.targets], dueAt: new Date(e.dueAt).toISOString(), engagedAt: iso(e.engagedAt) })),
    notes: s.recentNotes.map((n) => ({ ...n, at: new Date(n.at).toISOString() })),
    notesTotal: s.notesTotal,
    linkedTickets: [...s.linkedTickets],
    review: s.review && { ...s.review, at: new Date(s.review.at).toISOString() },
    reviewDueAt: iso(s.reviewDueAt),
    ...attention.viewField,
  };
}

/**
 * The incident as SREs see it in the Temporal UI: search attributes (CaseStatus, Priority, SLA,
 * Assignee) and the details pane (clocks and pages as tables).
 */
export class IncidentPublisher {
  /** Search attributes last upserted: an action that changes none of them (a note) adds no history event. */
  private published: string | null = null;

  publish(s: IncidentState): void {
    const next = nextDeadline(s);
    const attributes = [
      { key: CaseStatus, value: s.status },
      { key: Priority, value: s.priority },
      { key: SlaBreached, value: liveClocks(s).some((c) => c.state === 'breached') },
      { key: SlaNextDeadline, value: next === null ? null : new Date(next) },
      { key: Assignee, value: s.acknowledgedBy },
    ] as const;
    const published = JSON.stringify(attributes.map((a) => a.value));
    if (published !== this.published) upsertSearchAttributes([...attributes]);
    this.published = published;
    setCurrentDetails(details(s));
  }
}

function details(s: IncidentState): string {
  const clockRows = liveClocks(s).map((c) => `| ${c.metric === 'firstResponse' ? 'response (ack)' : c.metric} | ${c.deadlineAt === null ? '—' : new Date(c.deadlineAt).toISOString()} | ${c.state} |`);
  const pageRows = s.pages.map((p) => `| ${p.step + 1} | ${p.targets.join(', ')} | ${new Date(p.dueAt).toISOString()} | ${p.state}${p.response ? ` (${p.response.pager}: ${p.response.status})` : ''} |`);
  const nextPage = s.pages.find((p) => p.state === 'scheduled');
  const engagementRows = s.engagements.map((e) => `| Level ${e.level} | ${e.targets.join(', ')} | ${new Date(e.dueAt).toISOString()} | ${e.state}${e.via ? ` (${e.via})` : ''} |`);
  return [
    `**${s.status}** · ${s.priority} · ${s.alertCount} alert(s) · triggered ${new Date(s.openedAt).toISOString()} · acknowledged by ${s.acknowledgedBy ?? 'nobody yet'}`,
    ...(nextPage ? [`next escalation: level ${nextPage.level + 1} at ${new Date(nextPage.dueAt).toISOString()}`] : []),
    '',
    '| SLA | deadline (UTC) | state |',
    '|---|---|---|',
    ...clockRows,
    ...(pageRows.length ? ['', '| page | to | at (UTC) | state |', '|---|---|---|---|', ...pageRows] : []),
    ...(engagementRows.length ? ['', '| engagement | to | due (UTC) | state |', '|---|---|---|---|', ...engagementRows] : []),
  ].join('\n');
}
