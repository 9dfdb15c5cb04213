import type { CaseEventRecord, SnapshotRecorded } from './case-records';

/**
 * What is known of the case a newly stored event belongs to, for counting it: bounded facts
 * (kind, brand, priority or tier, regimes), never its ID or anything of the customer.
 */
export interface RecordedCaseFacts {
  kind: 'ticket' | 'incident' | 'refund' | 'dispute' | 'dunning' | 'takedown';
  brand: string;
  /** A ticket's or incident's priority, a takedown's tier; null where the kind has none (billing). */
  priority: string | null;
  /** A takedown's regimes. */
  regimes?: readonly string[];
}

/** Told, after the transaction committed, of the events a write stored for the first time. */
export type RecordedEventsObserver = (c: RecordedCaseFacts, events: readonly CaseEventRecord[]) => void;

let observer: RecordedEventsObserver | null = null;

/**
 * Set by the worker process (its metrics); null stops it. One per process: the read-model writers
 * are built inside the activities, and this keeps the activities unaware of metrics.
 */
export function observeRecordedEvents(next: RecordedEventsObserver | null): void {
  observer = next;
}

/**
 * Passes the events `result` says were newly stored to the observer. A retried write finds its
 * events stored already (ON CONFLICT DO NOTHING) and reports none, so each event is told once.
 * The observer's failure never fails the write: the record is what matters.
 */
export function reportRecordedEvents(c: RecordedCaseFacts, events: readonly CaseEventRecord[], result: SnapshotRecorded): SnapshotRecorded {
  if (!observer || result.recordedEventKeys.length === 0) return result;
  const recorded = new Set(result.recordedEventKeys);
  try {
    observer(
      c,
      events.filter((e) => recorded.has(e.eventKey)),
    );
  } catch (err) {
    process.emitWarning(`recorded-events observer failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  return result;
}
