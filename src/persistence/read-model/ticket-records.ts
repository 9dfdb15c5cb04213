import type { DataSource } from 'typeorm';
import type { TicketView } from '../../workflows/ticket/messages';
import type { ReadModelSealer } from '../read-model-sealer';
import { CaseEventRecord, CaseRecords, CaseTables, dateOrNull, lastOccurredAt, sealedEvents, SnapshotRecorded, versionOrNull, writeCaseRecords } from './case-records';
import { reportRecordedEvents } from './recorded-events';
import { slaCountColumns } from './ticket-sla-counts';

/** What a ticket's row is written from: its view, and the intake request it was opened by. */
export interface TicketSnapshot {
  view: TicketView;
  requestHash: string;
}

const TICKETS: CaseTables = {
  table: 'tickets',
  // The account is set once, by the opening or an adoption: the workflow's records never overwrite it.
  // The plan is not fixed: an unverified ticket's changes when the CRM answers.
  fixedColumns: ['brand', 'channel', 'opened_at', 'customer_ref', 'account_id', 'request_hash'],
  events: { table: 'ticket_events', caseColumn: 'ticket_id' },
};

export class TicketRecords implements CaseRecords<TicketSnapshot> {
  readonly kind = 'ticket' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
  ) {}

  async recordSnapshot({ view, requestHash }: TicketSnapshot, events: readonly CaseEventRecord[], version: number | undefined): Promise<SnapshotRecorded> {
    // The first-response record survives in history once met; the current clock if not.
    const firstResponse = view.sla.firstResponse ?? view.slaHistory.find((c) => c.metric === 'firstResponse');
    // Personal data only sealed under the ticket's key: the snapshot's and the events' text, and
    // the customer's reference as its pseudonym (lists, caps and retention match on it). The
    // columns reports count by (brand, priority, status, times, SLA counts) stay in clear.
    const snapshot = await this.sealer.seal(view.id, view);
    const customerRef = this.sealer.pseudonym(view.customerRef);
    // A customer acting under their own reference is named by it: the pseudonym, as in customer_ref.
    const stored = await sealedEvents(this.sealer, view.id, events, { customer: { ref: view.customerRef, stored: customerRef } });
    const result = await writeCaseRecords(
      this.dataSource,
      TICKETS,
      {
        id: view.id,
        brand: view.brand,
        channel: view.channel,
        priority: view.priority,
        status: view.status,
        policy_version: view.policyVersion,
        opened_at: new Date(view.openedAt),
        plan: view.plan,
        // Snapshots of tickets opened before the CRM lookup have no entitlement.
        entitlement: view.entitlement?.status ?? null,
        assignee: view.assignee,
        mentor: view.mentor ?? null,
        customer_ref: customerRef,
        account_id: view.account ?? null,
        at_risk: view.atRisk,
        next_deadline_at: dateOrNull(view.nextDeadlineAt),
        closed_at: dateOrNull(view.closedAt),
        agent_replies: view.agentReplies,
        reopen_count: view.reopenCount,
        first_contact_resolution: view.firstContactResolution,
        csat_score: view.csat?.score ?? null,
        // What the cadence reports group and count by (1765810000000-ticket-report-fields.ts): vocabulary,
        // an instant and numbers, in clear like the columns above.
        category: view.category ?? null,
        received_at: new Date(view.receivedAt ?? view.openedAt),
        nps_score: view.nps?.score ?? null,
        root_cause_tags: view.rootCauseTags ?? [],
        preventable: view.preventable ?? null,
        handle_seconds: view.handleSeconds ?? 0,
        first_response_due_at: dateOrNull(firstResponse?.deadlineAt),
        first_response_at: dateOrNull(firstResponse?.fulfilledAt),
        sla_breached: view.slaBreached,
        resolved_at: dateOrNull(view.resolvedAt),
        ...slaCountColumns(view),
        snapshot: JSON.stringify(snapshot),
        request_hash: requestHash,
        updated_at: lastOccurredAt(events),
        version: versionOrNull(version),
      },
      stored,
    );
    return reportRecordedEvents({ kind: 'ticket', brand: view.brand, priority: view.priority }, events, result);
  }
}
