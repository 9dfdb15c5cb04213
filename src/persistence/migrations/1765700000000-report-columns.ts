import { MigrationInterface, QueryRunner } from 'typeorm';

/** The ticket metrics whose settled clocks the SLA report counts, and their columns' stem. */
const METRICS: [metric: string, stem: string][] = [
  ['firstResponse', 'sla_first_response'],
  ['nextResponse', 'sla_next_response'],
  ['resolution', 'sla_resolution'],
  ['mitigation', 'sla_mitigation'],
];

/** The incident metrics whose clock state the weekly report counts. */
const INCIDENT_METRICS: [metric: string, stem: string][] = [
  ['firstResponse', 'sla_first_response'],
  ['mitigation', 'sla_mitigation'],
  ['resolution', 'sla_resolution'],
];

/** A ticket snapshot's settled clocks (current and listed history), as jsonb rows; anything malformed reads as none. */
const CLOCKS = `(SELECT value FROM jsonb_array_elements(CASE WHEN jsonb_typeof(snapshot -> 'slaHistory') = 'array' THEN snapshot -> 'slaHistory' ELSE '[]'::jsonb END)
                 UNION ALL
                 SELECT value FROM jsonb_each(CASE WHEN jsonb_typeof(snapshot -> 'sla') = 'object' THEN snapshot -> 'sla' ELSE '{}'::jsonb END)) c`;

/** A count the snapshot keeps for clocks no longer listed (slaHistoryEarlier.<metric>.<state>). */
const earlier = (metric: string, state: string) =>
  `CASE WHEN jsonb_typeof(snapshot -> 'slaHistoryEarlier' -> '${metric}' -> '${state}') = 'number' THEN (snapshot -> 'slaHistoryEarlier' -> '${metric}' ->> '${state}')::int ELSE 0 END`;

const settled = (metric: string, state: string) =>
  `(SELECT count(*)::int FROM ${CLOCKS} WHERE jsonb_typeof(c.value) = 'object' AND c.value ->> 'metric' = '${metric}' AND c.value ->> 'state' = '${state}') + ${earlier(metric, state)}`;

/**
 * How a row written before these columns gets them, from its snapshot (an UPDATE without WHERE:
 * the migration fills every row; a test fills its own rows by appending one).
 */
export const REPORT_COLUMN_BACKFILLS = {
  tickets: `UPDATE tickets SET ${METRICS.map(([metric, stem]) => `${stem}_met = ${settled(metric, 'met')}, ${stem}_breached = ${settled(metric, 'breached')}`).join(',\n')}`,
  incidents: `
      UPDATE incidents SET
        ${INCIDENT_METRICS.map(([metric, stem]) => `${stem}_state = CASE WHEN jsonb_typeof(snapshot -> 'sla' -> '${metric}' -> 'state') = 'string' THEN snapshot -> 'sla' -> '${metric}' ->> 'state' END`).join(',\n        ')},
        review_due_at = CASE WHEN jsonb_typeof(snapshot -> 'reviewDueAt') = 'string' THEN (snapshot ->> 'reviewDueAt')::timestamptz END,
        reviewed_at = CASE WHEN jsonb_typeof(snapshot -> 'review' -> 'at') = 'string' THEN (snapshot -> 'review' ->> 'at')::timestamptz END`,
  // A kind that was sealed (not vocabulary) is left empty: the report reads it as before.
  takedowns: `
      UPDATE takedowns SET
        decision_measure = CASE WHEN jsonb_typeof(snapshot -> 'decision' -> 'measure' -> 'kind') = 'string' AND snapshot -> 'decision' -> 'measure' ->> 'kind' NOT LIKE 'sealed:%'
          THEN snapshot -> 'decision' -> 'measure' ->> 'kind' END,
        decision_ground = CASE WHEN jsonb_typeof(snapshot -> 'decision' -> 'ground' -> 'kind') = 'string' AND snapshot -> 'decision' -> 'ground' ->> 'kind' NOT LIKE 'sealed:%'
          THEN snapshot -> 'decision' -> 'ground' ->> 'kind' END`,
};

/**
 * Columns for what reports filter and group on, which they dug out of snapshot JSON:
 * - tickets: settled SLA clocks per metric, met and breached (the SLA compliance report);
 * - incidents: each SLA clock's state, when the review is due and when it came (the weekly report);
 * - takedowns: the decision's measure and ground kinds (the transparency report).
 * Snapshots are sealed under their case's key (read-model-sealer.ts), so a report cannot rely on
 * reaching into them; the write layer (src/persistence/read-model) fills these columns with every
 * snapshot. Existing rows are filled from their snapshots' vocabulary, which stays in clear.
 */
export class ReportColumns1765700000000 implements MigrationInterface {
  name = 'ReportColumns1765700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets ${METRICS.map(([, stem]) => `ADD COLUMN ${stem}_met integer, ADD COLUMN ${stem}_breached integer`).join(', ')}`);
    await q.query(
      `ALTER TABLE incidents ${INCIDENT_METRICS.map(([, stem]) => `ADD COLUMN ${stem}_state text`).join(', ')}, ADD COLUMN review_due_at timestamptz, ADD COLUMN reviewed_at timestamptz`,
    );
    await q.query(`ALTER TABLE takedowns ADD COLUMN decision_measure text, ADD COLUMN decision_ground text`);
    for (const backfill of Object.values(REPORT_COLUMN_BACKFILLS)) await q.query(backfill);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE takedowns DROP COLUMN decision_measure, DROP COLUMN decision_ground`);
    await q.query(`ALTER TABLE incidents ${INCIDENT_METRICS.map(([, stem]) => `DROP COLUMN ${stem}_state`).join(', ')}, DROP COLUMN review_due_at, DROP COLUMN reviewed_at`);
    await q.query(`ALTER TABLE tickets ${METRICS.map(([, stem]) => `DROP COLUMN ${stem}_met, DROP COLUMN ${stem}_breached`).join(', ')}`);
  }
}
