import type { DataSource } from 'typeorm';
import type { ReadModelSealer } from '../read-model-sealer';

/** The case kinds the read model keeps a row (and a history) for. */
export type CaseKind = 'ticket' | 'incident' | 'billingCase' | 'takedown' | 'preservation';

/** One step of a case's history as its workflow recorded it. `eventKey` is the business key: stored once. */
export interface CaseEventRecord {
  eventKey: string;
  type: string;
  actor: string;
  occurredAt: string;
  data: Record<string, unknown>;
  /** The case's change number (absent: records scheduled before numbering existed). */
  seq?: number;
}

/** What one recordSnapshot did. */
export interface SnapshotRecorded {
  /** False: the stored row already showed this version or a newer one, and was left as it was. */
  snapshotWritten: boolean;
  /** Events newly stored (a retried write finds them stored already). */
  eventsRecorded: number;
  /** The keys of the events newly stored, in the order written. */
  recordedEventKeys: readonly string[];
}

/**
 * The read-model writer of one case kind: its row (the snapshot and the columns reports and lists
 * filter on) and its keyed events, in one transaction. `version` is the case's change number: a
 * write whose version is not above the stored one leaves the row as it is (its events are still
 * stored if new). Without a version (a run from before numbering), the later write wins, and only
 * over a row that has no version either.
 */
export interface CaseRecords<V> {
  readonly kind: CaseKind;
  recordSnapshot(view: V, events: readonly CaseEventRecord[], version: number | undefined): Promise<SnapshotRecorded>;
}

/** A case kind's two tables: its rows (primary key `id`) and its append-only events. */
export interface CaseTables {
  table: string;
  /** Written when the row is created, never after (identity, intake facts, references joined on). */
  fixedColumns: readonly string[];
  /** Columns whose update is not simply the new value (e.g. a notice that is never overwritten). */
  updateExpressions?: Readonly<Record<string, string>>;
  events: { table: string; caseColumn: string };
}

/** The case row as stored: column name → value, `id` first. Sealing happened before. */
export type CaseColumns = Record<string, unknown> & { id: string };

/** An event as stored: data already sealed, the actor already pseudonymised where it names the customer. */
export interface StoredEvent {
  eventKey: string;
  caseId: string;
  type: string;
  actor: string;
  occurredAt: Date;
  data: unknown;
  seq: number | null;
}

/**
 * The one guard every case row is written under. A numbered write replaces an unnumbered or lower
 * row; an unnumbered write (legacy) replaces only an unnumbered row, the later updated_at winning.
 * updated_at alone cannot order two changes: they tie within one workflow task.
 */
export function newerVersionGuard(table: string): string {
  return `(EXCLUDED.version IS NOT NULL AND (${table}.version IS NULL OR ${table}.version < EXCLUDED.version))
       OR (EXCLUDED.version IS NULL AND ${table}.version IS NULL AND ${table}.updated_at <= EXCLUDED.updated_at)`;
}

/** The upsert of a case row under the version guard; RETURNING tells whether it took the write. */
export function upsertCaseSql(tables: CaseTables, columns: readonly string[]): string {
  const fixed = new Set(['id', ...tables.fixedColumns]);
  const updates = columns.filter((c) => !fixed.has(c)).map((c) => `${c} = ${tables.updateExpressions?.[c] ?? `EXCLUDED.${c}`}`);
  return `INSERT INTO ${tables.table} (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})
           ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}
           WHERE ${newerVersionGuard(tables.table)}
           RETURNING id`;
}

const EVENT_COLUMNS = 7;

/**
 * The case row's upsert and its events' insert as one statement: data-modifying CTEs, so the write
 * is one round trip in its own implicit transaction instead of BEGIN, upsert, one insert per event,
 * COMMIT. Both parts run to completion whether or not the final SELECT reads them, and either both
 * commit or neither. Events take the parameters after the row's, seven each, in the order given
 * (their serial ids ascend in that order).
 */
function recordCaseSql(tables: CaseTables, columns: readonly string[], eventCount: number): string {
  const events = Array.from({ length: eventCount }, (_, e) => {
    const first = columns.length + e * EVENT_COLUMNS + 1;
    return `(${Array.from({ length: EVENT_COLUMNS }, (_, i) => `$${first + i}`).join(', ')})`;
  });
  const eventInsert =
    eventCount === 0
      ? ''
      : `, new_events AS (
           INSERT INTO ${tables.events.table} (event_key, ${tables.events.caseColumn}, type, actor, occurred_at, data, seq) VALUES ${events.join(', ')}
           ON CONFLICT (event_key) DO NOTHING RETURNING event_key)`;
  return `WITH case_row AS (${upsertCaseSql(tables, columns)})${eventInsert}
          SELECT EXISTS (SELECT 1 FROM case_row) AS snapshot_written,
                 ${eventCount === 0 ? 'ARRAY[]::text[]' : 'ARRAY(SELECT event_key FROM new_events)'} AS recorded_event_keys`;
}

/**
 * Writes a case row and its events atomically, in one statement (recordCaseSql). `row` must carry
 * `updated_at` (when the last event happened) and `version` (null: unnumbered); events are written
 * in the order given, and reported in that order.
 */
export async function writeCaseRecords(dataSource: DataSource, tables: CaseTables, row: CaseColumns, events: readonly StoredEvent[]): Promise<SnapshotRecorded> {
  if (!('updated_at' in row) || !('version' in row)) throw new Error(`a ${tables.table} row is written with its updated_at and version`);
  const columns = Object.keys(row);
  const params = [...columns.map((c) => row[c]), ...events.flatMap((e) => [e.eventKey, e.caseId, e.type, e.actor, e.occurredAt, JSON.stringify(e.data), e.seq])];
  const [result] = (await dataSource.query(recordCaseSql(tables, columns, events.length), params)) as { snapshot_written: boolean; recorded_event_keys: string[] }[];
  if (!result) throw new Error(`the ${tables.table} record returned no row`);
  // RETURNING's order is not promised: report the stored keys in the order the events were given,
  // each once (a key given twice is stored once).
  const stored = new Set(result.recorded_event_keys);
  const recordedEventKeys = events.map((e) => e.eventKey).filter((k) => stored.delete(k));
  return { snapshotWritten: result.snapshot_written, eventsRecorded: recordedEventKeys.length, recordedEventKeys };
}

/** A snapshot's timestamp, or null. */
export const dateOrNull = (s: string | null | undefined): Date | null => (s ? new Date(s) : null);

/** The stored form of a change number: bigint columns take it as text, null when absent. */
export const versionOrNull = (n: number | undefined): string | null => (n === undefined ? null : String(n));

/** When a write's last event happened: the row's updated_at. */
export function lastOccurredAt(events: readonly CaseEventRecord[]): Date {
  const last = events[events.length - 1];
  if (!last) throw new Error('a snapshot is recorded with at least one event');
  return new Date(last.occurredAt);
}

/**
 * A case's events as stored: data sealed under the case's key; an actor who is the customer
 * (`customer.ref`) named by the stored form of the reference; `seq` kept unless the kind numbers
 * its changes apart from the case's (`numbered: false`).
 */
export function sealedEvents(
  sealer: ReadModelSealer,
  caseId: string,
  events: readonly CaseEventRecord[],
  { customer, numbered = true }: { customer?: { ref: string; stored: string }; numbered?: boolean } = {},
): Promise<StoredEvent[]> {
  return Promise.all(
    events.map(async (e) => ({
      eventKey: e.eventKey,
      caseId,
      type: e.type,
      actor: customer && e.actor === customer.ref ? customer.stored : e.actor,
      occurredAt: new Date(e.occurredAt),
      data: await sealer.seal(caseId, e.data),
      seq: numbered ? (e.seq ?? null) : null,
    })),
  );
}
