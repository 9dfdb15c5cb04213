import type { DataSource } from 'typeorm';
import type { IncidentView } from '../../workflows/incident/messages';
import { CaseEventRecord, CaseRecords, CaseTables, dateOrNull, lastOccurredAt, SnapshotRecorded, versionOrNull, writeCaseRecords } from './case-records';
import { reportRecordedEvents } from './recorded-events';

const INCIDENTS: CaseTables = {
  table: 'incidents',
  fixedColumns: ['brand', 'source', 'fingerprint', 'opened_at'],
  events: { table: 'incident_events', caseColumn: 'incident_id' },
};

/**
 * Incidents' rows. Nothing here is sealed: an incident names services and alerts, not customers.
 * Several events: the queue a run left when it continued as new, written in order.
 */
export class IncidentRecords implements CaseRecords<IncidentView> {
  readonly kind = 'incident' as const;

  constructor(private readonly dataSource: DataSource) {}

  async recordSnapshot(view: IncidentView, events: readonly CaseEventRecord[], version: number | undefined): Promise<SnapshotRecorded> {
    const result = await writeCaseRecords(
      this.dataSource,
      INCIDENTS,
      {
        id: view.id,
        brand: view.brand,
        priority: view.priority,
        status: view.status,
        source: view.source,
        fingerprint: view.fingerprint,
        alert_count: view.alertCount,
        opened_at: new Date(view.openedAt),
        acknowledged_at: dateOrNull(view.acknowledgedAt),
        mitigated_at: dateOrNull(view.mitigatedAt),
        resolved_at: dateOrNull(view.resolvedAt),
        closed_at: dateOrNull(view.closedAt),
        sla_breached: view.slaBreached,
        // What the weekly report counts (api/reports/incident-report.service.ts).
        sla_first_response_state: view.sla.firstResponse?.state ?? null,
        sla_mitigation_state: view.sla.mitigation?.state ?? null,
        sla_resolution_state: view.sla.resolution?.state ?? null,
        review_due_at: dateOrNull(view.reviewDueAt),
        reviewed_at: dateOrNull(view.review?.at),
        snapshot: JSON.stringify(view),
        updated_at: lastOccurredAt(events),
        version: versionOrNull(version),
      },
      events.map((e) => ({ eventKey: e.eventKey, caseId: view.id, type: e.type, actor: e.actor, occurredAt: new Date(e.occurredAt), data: e.data, seq: e.seq ?? null })),
    );
    return reportRecordedEvents({ kind: 'incident', brand: view.brand, priority: view.priority }, events, result);
  }
}
