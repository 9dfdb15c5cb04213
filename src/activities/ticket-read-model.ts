import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import { type CaseEventRecord, TicketRecords } from '../persistence/read-model';
import type { ReadModelSealer } from '../persistence/read-model-sealer';
import type { TicketView } from '../workflows/ticket/messages';
import { refuseUnstorable } from './permanent-failure';

/** One event of the case's record: the read-model layer's shape (keyed, numbered). */
export type TicketEventInput = CaseEventRecord;

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
  const tickets = new TicketRecords(dataSource, sealer);
  return {
    /**
     * Writes the ticket's current view and appends the event, in one transaction. Safe to retry:
     * the event is keyed, and the snapshot only replaces an older version (read-model/case-records.ts).
     */
    async recordTicketTransition({ view, requestHash, version }: TicketRecord, event: TicketEventInput): Promise<{ eventRecorded: boolean }> {
      refuseUnstorable({ view }, event);
      const { eventsRecorded } = await tickets.recordSnapshot({ view, requestHash }, [event], version);
      const eventRecorded = eventsRecorded > 0;
      // Case and event identifiers only: ticket text may carry personal data.
      logger.info({ ticketId: view.id, event: event.type, eventKey: event.eventKey, eventRecorded }, 'ticket transition recorded');
      return { eventRecorded };
    },
  };
}
