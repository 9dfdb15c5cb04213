import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transparency report's per-case breakdowns by claimed jurisdiction and notifier role came
 * from the snapshot's JSON. The snapshot is now sealed under the case's key (read-model-sealer.ts):
 * the personal-data classifier seals both (neither key is report vocabulary to it), and after an
 * erasure the snapshot holds "[erased]". Both are vocabulary, not personal data (country codes, a
 * role such as "attorney"), so they get columns of their own, in clear, like state and regimes.
 * Rows from before are filled from their (plaintext) snapshots; the report still falls back to the
 * snapshot for a row whose columns are empty (written by a worker older than this migration).
 */
export class TakedownReportColumns1765620000000 implements MigrationInterface {
  name = 'TakedownReportColumns1765620000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE takedowns ADD COLUMN notifier_role text, ADD COLUMN claimed_jurisdictions text[]`);
    await q.query(`
      UPDATE takedowns SET
        notifier_role = CASE WHEN jsonb_typeof(snapshot -> 'notifierRole') = 'string' THEN snapshot ->> 'notifierRole' END,
        claimed_jurisdictions = CASE WHEN jsonb_typeof(snapshot -> 'claimedJurisdictions') = 'array'
          THEN ARRAY(SELECT j FROM jsonb_array_elements_text(snapshot -> 'claimedJurisdictions') j) END`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE takedowns DROP COLUMN notifier_role, DROP COLUMN claimed_jurisdictions`);
  }
}
