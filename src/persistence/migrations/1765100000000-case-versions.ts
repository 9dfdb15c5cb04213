import { MigrationInterface, QueryRunner } from 'typeorm';

const SNAPSHOTS = ['tickets', 'incidents', 'billing_cases', 'takedowns', 'takedown_preservations'];
const EVENTS = ['ticket_events', 'incident_events', 'billing_case_events', 'takedown_events'];

/**
 * Every case numbers the changes it applies (its `seq`, carried across continue-as-new). The
 * snapshot keeps the number of the change it shows (`version`), so a retried or late write of an
 * older change never overwrites a newer one — `updated_at` alone ties between changes made in one
 * workflow task. Each event keeps its number, so a case's history reads in the order the workflow
 * applied it. NULL: rows written before this existed.
 */
export class CaseVersions1765100000000 implements MigrationInterface {
  name = 'CaseVersions1765100000000';

  async up(q: QueryRunner): Promise<void> {
    for (const table of SNAPSHOTS) await q.query(`ALTER TABLE ${table} ADD COLUMN version bigint`);
    for (const table of EVENTS) await q.query(`ALTER TABLE ${table} ADD COLUMN seq bigint`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of EVENTS) await q.query(`ALTER TABLE ${table} DROP COLUMN seq`);
    for (const table of SNAPSHOTS) await q.query(`ALTER TABLE ${table} DROP COLUMN version`);
  }
}
