import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What each retention purge run deleted from the access log (one row per run, beside the per-kind
 * case counts in retention_purges): the months applied, the cutoff (entries older than it went)
 * and how many entries. The deletion itself goes through purge_access_log (migration
 * 1765300000000), the access log's only way out.
 */
export class RetentionAccessLog1765630000000 implements MigrationInterface {
  name = 'RetentionAccessLog1765630000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_access_log_purges (
        run_id text PRIMARY KEY,
        as_of timestamptz NOT NULL,
        retention_months integer NOT NULL,
        cutoff timestamptz NOT NULL,
        entries bigint NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE retention_access_log_purges`);
  }
}
