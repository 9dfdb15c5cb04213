import { MigrationInterface, QueryRunner } from 'typeorm';

/** Corrective actions from post-incident reviews, filed as backlog items with a triage owner. */
export class IncidentReviews1764400000000 implements MigrationInterface {
  name = 'IncidentReviews1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE backlog_items (
        key text PRIMARY KEY,
        incident_id text NOT NULL,
        title text NOT NULL,
        owner text NOT NULL,
        due date NOT NULL,
        triage_owner text NOT NULL,
        triage_by timestamptz NOT NULL,
        root_cause_category text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        delivery_status integer
      )`);
    await q.query(`CREATE INDEX backlog_items_incident ON backlog_items (incident_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE backlog_items`);
  }
}
