import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored operations reports (daily, weekly, monthly, quarterly; src/workflows/ops/report-cadence.workflow.ts).
 * One row per kind, brand, period and policy version: a re-run for the same four finds the row
 * (the unique constraint) instead of writing a second; a new policy version makes a new `version`
 * of the period's report. Rows are immutable: the database refuses edits of what a report said,
 * and deletes; only `delivered_at` (when the notification relay took it) may be set.
 */
export class Reports1765820000000 implements MigrationInterface {
  name = 'Reports1765820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reports (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('daily', 'weekly', 'monthly', 'quarterly')),
        brand text NOT NULL,
        period text NOT NULL,
        period_from timestamptz NOT NULL,
        period_to timestamptz NOT NULL CHECK (period_to > period_from),
        policy_version text NOT NULL,
        version integer NOT NULL CHECK (version >= 1),
        body jsonb NOT NULL,
        kpis jsonb NOT NULL DEFAULT '[]',
        generated_at timestamptz NOT NULL DEFAULT now(),
        generated_by text NOT NULL,
        delivered_at timestamptz,
        CONSTRAINT reports_one_per_policy_version UNIQUE (kind, brand, period, policy_version),
        CONSTRAINT reports_one_per_version UNIQUE (kind, brand, period, version)
      )`);
    await q.query(`CREATE INDEX reports_kind_period ON reports (kind, period, brand, version DESC)`);
    await q.query(`
      CREATE FUNCTION reports_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'reports are immutable'; END IF;
        IF (NEW.id, NEW.kind, NEW.brand, NEW.period, NEW.period_from, NEW.period_to, NEW.policy_version, NEW.version, NEW.body, NEW.kpis, NEW.generated_at, NEW.generated_by)
           IS DISTINCT FROM (OLD.id, OLD.kind, OLD.brand, OLD.period, OLD.period_from, OLD.period_to, OLD.policy_version, OLD.version, OLD.body, OLD.kpis, OLD.generated_at, OLD.generated_by)
        THEN RAISE EXCEPTION 'reports are immutable (only delivered_at may be set)'; END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER reports_no_edit BEFORE UPDATE OR DELETE ON reports FOR EACH ROW EXECUTE FUNCTION reports_immutable()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reports`);
    await q.query(`DROP FUNCTION reports_immutable`);
  }
}
