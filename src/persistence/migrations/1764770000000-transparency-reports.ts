import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The yearly transparency report as the Temporal Schedule stored it: one row per year, replaced
 * by a re-run (first_generated_at and generations keep the record of when it was first produced).
 */
export class TransparencyReports1764770000000 implements MigrationInterface {
  name = 'TransparencyReports1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE transparency_reports (
        year integer PRIMARY KEY,
        counts jsonb NOT NULL,
        generated_at timestamptz NOT NULL,
        first_generated_at timestamptz NOT NULL,
        generations integer NOT NULL DEFAULT 1,
        generated_by text NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE transparency_reports`);
  }
}
