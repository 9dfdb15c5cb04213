import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Logger } from 'pino';
import { TicketEventRow, TicketRow } from '../persistence/entities';
import type { ReadModelSealer } from '../persistence/read-model-sealer';
import type { TicketView } from '../workflows/ticket/messages';
import { refuseUnstorable } from './permanent-failure';

export interface TicketEventInput {
  /** Business key of the event (case + step): the same event is never recorded twice. */
  eventKey: string;
  type: string;
  actor: string;
  occurredAt: string;
  data: Record<string, unknown>;
  /** The ticket's change number: the order the workflow applied its changes in. Absent: older records. */
  seq?: number;
}

const date = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

export interface TicketRecord {
  view: TicketView;
  requestHash: string;
  /** The change number this view shows (the event's seq): an older one never overwrites a newer. Absent: older records. */
  version?: number;
}

export interface TicketReadModelDeps {
  dataSource: DataSource;
  logger: Logger;
  sealer: ReadModelSealer;
}

export function createTicketReadModelActivities({ dataSource, logger, sealer }: TicketReadModelDeps) {
  return {
    /**
     * Writes the ticket's current view and appends the event, in one transaction. Safe to retry:
     * the snapshot is an upsert and the event is keyed.
     */
    async recordTicketTransition({ view, requestHash, version }: TicketRecord, event: TicketEventInput): Promise<{ eventRecorded: boolean }> {
      // The first-response record survives in history once met; the current clock if not.
      refuseUnstorable({ view }, event);
      const firstResponse = view.sla.firstResponse ?? view.slaHistory.find((c) => c.metric === 'firstResponse');
      // Personal data only sealed under the ticket's key: the snapshot's and the event's text, and
      // the customer's reference as its pseudonym (lists, caps and retention match on it). The
      // columns reports count by (brand, priority, status, times) and the clocks' vocabulary stay in clear.
      const snapshot = await sealer.seal(view.id, view);
      const data = await sealer.seal(view.id, event.data);
      // A customer acting under their own reference is named by it: the pseudonym, as in customer_ref.
      const actor = event.actor === view.customerRef ? sealer.pseudonym(event.actor) : event.actor;
      const eventRecorded = await dataSource.transaction(async (tx) => {
        await tx
          .createQueryBuilder()
          .insert()
          .into(TicketRow)
          .values({
            id: view.id,
            brand: view.brand,
            channel: view.channel,
            priority: view.priority,
            status: view.status,
            policyVersion: view.policyVersion,
            openedAt: new Date(view.openedAt),
            plan: view.plan,
            assignee: view.assignee,
            customerRef: sealer.pseudonym(view.customerRef),
            accountId: view.account ?? null,
            atRisk: view.atRisk,
            nextDeadlineAt: date(view.nextDeadlineAt),
            closedAt: date(view.closedAt),
            agentReplies: view.agentReplies,
            reopenCount: view.reopenCount,
            firstContactResolution: view.firstContactResolution,
            csatScore: view.csat?.score ?? null,
            firstResponseDueAt: date(firstResponse?.deadlineAt),
            firstResponseAt: date(firstResponse?.fulfilledAt),
            slaBreached: view.slaBreached,
            resolvedAt: date(view.resolvedAt),
            snapshot,
            requestHash,
            updatedAt: new Date(event.occurredAt),
            version: version === undefined ? null : String(version),
          })
          .orUpdate(
            [
              'priority', 'status', 'policy_version', 'assignee', 'at_risk', 'next_deadline_at', 'closed_at', 'agent_replies',
              'reopen_count', 'first_contact_resolution', 'csat_score', 'first_response_due_at', 'first_response_at',
              'sla_breached', 'resolved_at', 'snapshot', 'updated_at', 'version',
            ],
            ['id'],
            {
              // Records land in any order (activities run side by side, are retried, a carried run
              // writes its queue late): only a newer change replaces the snapshot. Records without a
              // version (from workflow code before issue 20) fall back to the time they happened.
              overwriteCondition: {
                where:
                  version === undefined
                    ? '"tickets"."version" IS NULL AND "tickets"."updated_at" <= EXCLUDED."updated_at"'
                    : '("tickets"."version" IS NULL OR "tickets"."version" < EXCLUDED."version")',
              },
            },
          )
          .execute();
        const inserted = await tx
          .createQueryBuilder()
          .insert()
          .into(TicketEventRow)
          .values({
            eventKey: event.eventKey,
            ticketId: view.id,
            type: event.type,
            actor,
            occurredAt: new Date(event.occurredAt),
            data: data as TicketEventRow['data'] & object,
            seq: event.seq === undefined ? null : String(event.seq),
          } as QueryDeepPartialEntity<TicketEventRow>)
          .orIgnore()
          .execute();
        return (inserted.raw as unknown[]).length > 0;
      });
      // Case and event identifiers only: ticket text may carry personal data.
      logger.info({ ticketId: view.id, event: event.type, eventKey: event.eventKey, eventRecorded }, 'ticket transition recorded');
      return { eventRecorded };
    },
  };
}

