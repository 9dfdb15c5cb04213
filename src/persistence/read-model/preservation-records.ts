import type { DataSource } from 'typeorm';
import type { PreservationView } from '../../workflows/takedown/preservation-messages';
import type { ReadModelSealer } from '../read-model-sealer';
import { CaseEventRecord, CaseRecords, CaseTables, dateOrNull, lastOccurredAt, sealedEvents, SnapshotRecorded, versionOrNull, writeCaseRecords } from './case-records';

const PRESERVATIONS: CaseTables = {
  table: 'takedown_preservations',
  fixedColumns: ['case_id', 'brand', 'authority', 'reference', 'requested_by', 'requested_at'],
  // A hold's events belong to its takedown's history.
  events: { table: 'takedown_events', caseColumn: 'case_id' },
};

/**
 * Preservation holds' rows, in clear: they hold the authority's request, not the notifier's data,
 * and must outlive erasure. Their events are sealed under the case's key like every row of
 * takedown_events, and carry no seq: the hold numbers its own changes, not the case's, so its
 * events are ordered by time among the case's.
 */
export class PreservationRecords implements CaseRecords<PreservationView> {
  readonly kind = 'preservation' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
  ) {}

  async recordSnapshot(view: PreservationView, events: readonly CaseEventRecord[], version: number | undefined): Promise<SnapshotRecorded> {
    const stored = await sealedEvents(this.sealer, view.caseId, events, { numbered: false });
    return writeCaseRecords(
      this.dataSource,
      PRESERVATIONS,
      {
        id: view.id,
        case_id: view.caseId,
        brand: view.brand,
        state: view.state,
        authority: view.authority,
        reference: view.reference,
        requested_by: view.requestedBy,
        requested_at: new Date(view.requestedAt),
        expires_at: new Date(view.expiresAt),
        extended_at: dateOrNull(view.extension?.at),
        released_at: dateOrNull(view.releasedAt),
        snapshot: JSON.stringify(view),
        updated_at: lastOccurredAt(events),
        version: versionOrNull(version),
      },
      stored,
    );
  }
}
