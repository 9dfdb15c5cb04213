import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { IncidentMetric } from '../../domain/incident/incident-policy';
import { incidentSchedule, metricName } from '../../domain/incident/schedule';
import { earliest } from '../../domain/schedule';
import { caseDetailsMarkdown, cell, DetailsAction, formatDuration, zonedTime } from '../../domain/ui-details';
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

  publish(input: IncidentInput, s: IncidentState, recent: readonly DetailsAction[]): void {
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
    setCurrentDetails(incidentDetails(input, s, recent));
  }
}

/** The details pane: state, the next timer, each clock in the incident's calendar zone and UTC, pages and engagements numbered as the API numbers them, notes and actions. */
export function incidentDetails(input: IncidentInput, s: IncidentState, recent: readonly DetailsAction[]): string {
  const zone = calendarOf(input, s.priority, s.enterprise).timeZone;
  const next = earliest(incidentSchedule(s));
  const pageRows = s.pages.map((p) => `| ${p.step} | ${p.level} | ${p.loop} | ${cell(p.targets.join(', '))} | ${zonedTime(p.dueAt, zone)} | ${p.state}${p.response ? ` (${cell(p.response.pager)}: ${cell(p.response.status)})` : ''} |`);
  const engagementRows = s.engagements.map((e) => `| Level ${e.level} | ${cell(e.targets.join(', '))} | ${zonedTime(e.dueAt, zone)} | ${e.state}${e.via ? ` (${cell(e.via)})` : ''} |`);
  const noteLines = s.recentNotes.slice(-3).reverse().map((n) => `- ${zonedTime(n.at, zone)} · ${cell(n.actor)}: ${cell(n.text)}${n.truncated ? '…' : ''}`);
  return caseDetailsMarkdown({
    headline: `**${s.status}** · ${s.priority} incident ${input.incidentId}: ${cell(input.title)} · ${s.alertCount} alert(s) · acknowledged by ${s.acknowledgedBy ?? 'nobody yet'}${s.enterprise ? ' · enterprise' : ''}`,
    next: next && { what: next.summary, at: next.at },
    timeZone: zone,
    clocks: liveClocks(s).map((c) => ({ name: metricName(c.metric), target: formatDuration(c.targetMs), dueAt: c.deadlineAt, atRiskAt: c.atRiskAt ?? c.atRiskSince, state: `${c.state}${c.atRiskSince !== null && c.state === 'running' ? ' (at risk)' : ''}` })),
    sections: [
      ...(pageRows.length ? [['| pages[].step | level | loop | to | due | state |', '|---|---|---|---|---|---|', ...pageRows].join('\n')] : []),
      ...(engagementRows.length ? [['| engagement | to | due | state |', '|---|---|---|---|', ...engagementRows].join('\n')] : []),
      ...(noteLines.length ? [[`**Latest notes** (${s.notesTotal} in all)`, ...noteLines].join('\n')] : []),
    ],
    recent,
  });
}
