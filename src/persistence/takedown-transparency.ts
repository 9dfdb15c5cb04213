import type { DataSource } from 'typeorm';
import type { DecisionGround, DecisionOutcome, TakedownState } from '../domain/takedown/case';
import type { LegalBasis, NotifierRole } from '../domain/takedown/notice';
import type { Measure, Regime } from '../domain/takedown/regime';
import { ReportedMeasure, transparencyCounts, TransparencyCounts } from '../domain/takedown/statement-of-reasons';
import { sealedCaseId } from './sealed-text';

/**
 * The yearly transparency report's reads and its stored snapshot, shared by the API (live
 * figures, or the snapshot when one is stored) and the yearly schedule's activity (which stores it).
 */
export async function computeTransparencyCounts(dataSource: DataSource, year: number): Promise<TransparencyCounts> {
  const from = new Date(Date.UTC(year, 0, 1));
  const to = new Date(Date.UTC(year + 1, 0, 1));
  // The breakdowns come from clear columns and the content platform's record of what was actually
  // done to the items. Jurisdictions and the notifier's role (migration 1765620000000), the
  // decision's measure and ground (1765700000000) have columns: the sealed snapshot may hold them
  // sealed; rows without the columns (seeded, or written by an older worker) still have them in
  // their snapshot.
  const cases: {
    received_at: Date;
    legal_basis: LegalBasis;
    regimes: Regime[];
    state: TakedownState;
    outcome: DecisionOutcome | null;
    decided_at: Date | null;
    paged: boolean;
    jurisdictions: unknown;
    notifier_role: NotifierRole | null;
    measure: Measure['kind'] | null;
    ground: DecisionGround['kind'] | null;
    content_actions: ReportedMeasure[];
  }[] = await dataSource.query(
    `SELECT t.received_at, t.legal_basis, t.regimes, t.state, t.outcome, t.decided_at,
            EXISTS (SELECT 1 FROM takedown_events e WHERE e.case_id = t.id AND e.type = 'legal_oncall_paged') AS paged,
            COALESCE(to_jsonb(t.claimed_jurisdictions), t.snapshot -> 'claimedJurisdictions') AS jurisdictions,
            COALESCE(t.notifier_role, t.snapshot ->> 'notifierRole') AS notifier_role,
            COALESCE(t.decision_measure, t.snapshot -> 'decision' -> 'measure' ->> 'kind') AS measure,
            COALESCE(t.decision_ground, t.snapshot -> 'decision' -> 'ground' ->> 'kind') AS ground,
            ARRAY(SELECT DISTINCT a.action FROM content_actions a WHERE a.case_id = t.id AND a.applied_at IS NOT NULL ORDER BY a.action) AS content_actions
       FROM takedowns t WHERE t.received_at >= $1 AND t.received_at < $2`,
    [from, to],
  );
  const preservations: { requested_at: Date; extended_at: Date | null }[] = await dataSource.query(
    `SELECT requested_at, extended_at FROM takedown_preservations WHERE requested_at >= $1 AND requested_at < $2`,
    [from, to],
  );
  return transparencyCounts(
    cases.map((r) => ({
      receivedAt: r.received_at.getTime(),
      legalBasis: r.legal_basis,
      regimes: r.regimes,
      state: r.state,
      outcome: r.outcome,
      decidedAt: r.decided_at?.getTime() ?? null,
      legalOnCallPaged: r.paged,
      claimedJurisdictions: Array.isArray(r.jurisdictions) ? r.jurisdictions.filter((j): j is string => typeof j === 'string' && !isSealed(j)) : [],
      notifierRole: r.notifier_role !== null && isSealed(r.notifier_role) ? null : r.notifier_role,
      measure: r.measure,
      ground: r.ground,
      contentActions: r.content_actions,
    })),
    year,
    preservations.map((p) => ({ requestedAt: p.requested_at.getTime(), extendedAt: p.extended_at?.getTime() ?? null })),
  );
}

export interface TransparencySnapshot {
  year: number;
  counts: TransparencyCounts;
  /** When these figures were computed; a re-run replaces them (firstGeneratedAt keeps the first). */
  generatedAt: string;
  firstGeneratedAt: string;
  generations: number;
  /** The workflow run that stored them (the schedule's, or a manual trigger's). */
  generatedBy: string;
}

interface SnapshotRow {
  year: number;
  counts: TransparencyCounts;
  generated_at: Date;
  first_generated_at: Date;
  generations: number;
  generated_by: string;
}

const fromRow = (r: SnapshotRow): TransparencySnapshot => ({
  year: r.year,
  counts: r.counts,
  generatedAt: r.generated_at.toISOString(),
  firstGeneratedAt: r.first_generated_at.toISOString(),
  generations: r.generations,
  generatedBy: r.generated_by,
});

/**
 * One row per year. Re-running replaces the figures: cases keep moving after the year ends
 * (decisions, counter-notices, complaints), and the latest run is the best account of the year;
 * first_generated_at and the generation count keep the record of when it was first produced.
 */
export async function storeTransparencySnapshot(dataSource: DataSource, counts: TransparencyCounts, generatedBy: string): Promise<TransparencySnapshot> {
  const rows: SnapshotRow[] = await dataSource.query(
    `INSERT INTO transparency_reports (year, counts, generated_at, first_generated_at, generations, generated_by)
     VALUES ($1, $2, now(), now(), 1, $3)
     ON CONFLICT (year) DO UPDATE SET counts = EXCLUDED.counts, generated_at = EXCLUDED.generated_at,
       generations = transparency_reports.generations + 1, generated_by = EXCLUDED.generated_by
     RETURNING year, counts, generated_at, first_generated_at, generations, generated_by`,
    [counts.year, JSON.stringify(counts), generatedBy],
  );
  return fromRow(rows[0]);
}

export async function readTransparencySnapshot(dataSource: DataSource, year: number): Promise<TransparencySnapshot | null> {
  const rows: SnapshotRow[] = await dataSource.query(
    `SELECT year, counts, generated_at, first_generated_at, generations, generated_by FROM transparency_reports WHERE year = $1`,
    [year],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** A sealed value is nobody's vocabulary: counted as unknown, never as a jurisdiction or role of its own. */
const isSealed = (value: string): boolean => sealedCaseId(value) !== undefined;
