import type { DataSource } from 'typeorm';
import type { TakedownNotice } from '../../domain/takedown/notice';
import type { TakedownView } from '../../workflows/takedown/messages';
import type { ReadModelSealer } from '../read-model-sealer';
import { CaseEventRecord, CaseRecords, CaseTables, dateOrNull, lastOccurredAt, sealedEvents, SnapshotRecorded, versionOrNull, writeCaseRecords } from './case-records';
import { reportRecordedEvents } from './recorded-events';

/** A takedown's row: its view, and the notice (with the notifier's contact) on the first record only. */
export interface TakedownSnapshot {
  view: TakedownView;
  notice?: TakedownNotice;
}

const TAKEDOWNS: CaseTables = {
  table: 'takedowns',
  fixedColumns: ['brand', 'regimes', 'legal_basis', 'tier', 'channel', 'received_at'],
  // The notice comes with the first record only and is never overwritten.
  updateExpressions: { notice: 'COALESCE(takedowns.notice, EXCLUDED.notice)' },
  events: { table: 'takedown_events', caseColumn: 'case_id' },
};

/**
 * Takedowns' rows. The notice, the snapshot and event data are sealed under the case's key; what
 * the transparency report counts by (state, regimes, basis, outcome, the notifier's role, claimed
 * jurisdictions, the decision's measure and ground) stays in clear columns.
 */
export class TakedownRecords implements CaseRecords<TakedownSnapshot> {
  readonly kind = 'takedown' as const;

  constructor(
    private readonly dataSource: DataSource,
    private readonly sealer: ReadModelSealer,
  ) {}

  async recordSnapshot({ view, notice }: TakedownSnapshot, events: readonly CaseEventRecord[], version: number | undefined): Promise<SnapshotRecorded> {
    // Sealed before the transaction: a key lookup (one INSERT on the case's first record) holds no row lock.
    const [snapshot, sealedNotice, stored] = await Promise.all([
      this.sealer.seal(view.id, view),
      notice ? this.sealer.seal(view.id, notice) : null,
      sealedEvents(this.sealer, view.id, events),
    ]);
    const result = await writeCaseRecords(
      this.dataSource,
      TAKEDOWNS,
      {
        id: view.id,
        brand: view.brand,
        state: view.state,
        regimes: view.regimes,
        legal_basis: view.legalBasis,
        tier: view.tier,
        channel: view.channel,
        reviewer: view.reviewer,
        received_at: new Date(view.receivedAt),
        decision_due_at: dateOrNull(view.decisionDue?.dueAt),
        next_deadline_at: dateOrNull(view.nextDeadlineAt),
        decided_at: dateOrNull(view.decidedAt),
        outcome: view.decision?.outcome ?? null,
        decision_measure: view.decision?.measure.kind ?? null,
        decision_ground: view.decision?.ground.kind ?? null,
        sla_breached: view.slaBreached,
        notice: sealedNotice ? JSON.stringify(sealedNotice) : null,
        snapshot: JSON.stringify(snapshot),
        notifier_role: view.notifierRole ?? null,
        claimed_jurisdictions: view.claimedJurisdictions ?? null,
        updated_at: lastOccurredAt(events),
        version: versionOrNull(version),
      },
      stored,
    );
    return reportRecordedEvents({ kind: 'takedown', brand: view.brand, priority: view.tier, regimes: view.regimes }, events, result);
  }
}
