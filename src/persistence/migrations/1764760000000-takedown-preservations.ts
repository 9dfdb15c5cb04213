import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Authorities' preservation (retention) requests on takedown cases: one row per hold (its
 * workflow's snapshot), counted by requested_at in the transparency report. The hold's history
 * lives with its case's, in takedown_events.
 */
export class TakedownPreservations1764760000000 implements MigrationInterface {
  name = 'TakedownPreservations1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE takedown_preservations (
        id text PRIMARY KEY,
        case_id text NOT NULL,
        brand text NOT NULL,
        state text NOT NULL,
        authority text NOT NULL,
        reference text NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        extended_at timestamptz,
        released_at timestamptz,
        snapshot jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX takedown_preservations_case ON takedown_preservations (case_id, requested_at)`);
    await q.query(`CREATE INDEX takedown_preservations_requested_at ON takedown_preservations (requested_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE takedown_preservations`);
  }
}
