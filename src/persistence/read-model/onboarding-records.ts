import type { DataSource } from 'typeorm';
import type { OnboardingView } from '../../workflows/onboarding/messages';
import type { ReadModelSealer } from '../read-model-sealer';
import { CaseEventRecord, CaseTables, dateOrNull, lastOccurredAt, sealedEvents, SnapshotRecorded, versionOrNull, writeCaseRecords } from './case-records';

const ONBOARDINGS: CaseTables = {
  table: 'onboardings',
  fixedColumns: ['agent_id', 'brand', 'started_at'],
  events: { table: 'onboarding_events', caseColumn: 'case_id' },
};

/**
 * Onboarding cases' rows: the snapshot and event data sealed under the case's key (names of
 * agents, mentors and reviewers are staff data); phase, deadlines and the overdue flag in clear,
 * for lists.
 */
export class OnboardingRecords {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
  ) {}

  async recordSnapshot(view: OnboardingView, events: readonly CaseEventRecord[], version: number): Promise<SnapshotRecorded> {
    const [snapshot, stored] = await Promise.all([this.sealer.seal(view.id, view), sealedEvents(this.sealer, view.id, events)]);
    return writeCaseRecords(
      this.dataSource,
      ONBOARDINGS,
      {
        id: view.id,
        agent_id: view.agentId,
        brand: view.brand,
        phase: view.phase,
        next_deadline_at: dateOrNull(view.nextDeadline),
        overdue: view.overdue.length > 0,
        started_at: new Date(view.startedAt),
        certified_at: dateOrNull(view.certifiedAt),
        snapshot: JSON.stringify(snapshot),
        updated_at: lastOccurredAt(events),
        version: versionOrNull(version),
      },
      stored,
    );
  }

  /** The last snapshot (opened), or undefined. */
  async snapshot(id: string): Promise<OnboardingView | undefined> {
    const [row]: { snapshot: OnboardingView }[] = await this.dataSource.query(`SELECT snapshot FROM onboardings WHERE id = $1`, [id]);
    return row ? this.sealer.open(row.snapshot) : undefined;
  }
}
