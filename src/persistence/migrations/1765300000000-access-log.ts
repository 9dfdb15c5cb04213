import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * access_log: one row per access to case data (who, role, case, operation, field names, when,
 * from where), never the data. It is evidence, so the database itself refuses UPDATE, TRUNCATE
 * and DELETE — except DELETE of rows older than a cutoff, run through purge_access_log(cutoff).
 * That function sets a transaction-local marker the trigger checks, and refuses a cutoff later
 * than 12 months ago (the seeds: "retain support logs and session metadata for at least 12
 * months"), so a careless purge cannot erase recent accesses. The guard stops application code
 * and mistakes, not the table's owner, who could drop the trigger anyway.
 */
export class AccessLog1765300000000 implements MigrationInterface {
  name = 'AccessLog1765300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE access_log (
        id bigserial PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        actor text NOT NULL,
        actor_id text,
        role text NOT NULL,
        via text NOT NULL CHECK (via IN ('api-key', 'oidc', 'system')),
        case_id text,
        case_kind text,
        operation text NOT NULL,
        fields text[],
        address text,
        request_id text,
        status smallint
      )`);
    // The admin query: newest first, optionally by case or actor, paged on (occurred_at, id).
    await q.query(`CREATE INDEX access_log_newest ON access_log (occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX access_log_by_case ON access_log (case_id, occurred_at DESC, id DESC) WHERE case_id IS NOT NULL`);
    await q.query(`CREATE INDEX access_log_by_actor ON access_log (actor, occurred_at DESC, id DESC)`);
    await q.query(`CREATE INDEX access_log_by_actor_id ON access_log (actor_id, occurred_at DESC, id DESC) WHERE actor_id IS NOT NULL`);

    await q.query(`
      CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE cutoff text := current_setting('caseworks.access_log_purge_before', true);
      BEGIN
        IF TG_OP = 'DELETE' AND cutoff IS NOT NULL AND cutoff <> '' AND OLD.occurred_at < cutoff::timestamptz THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'access_log is append-only';
      END $$`);
    await q.query(`
      CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON access_log
      FOR EACH ROW EXECUTE FUNCTION access_log_append_only()`);
    await q.query(`
      CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log
      FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()`);

    await q.query(`
      CREATE FUNCTION purge_access_log(cutoff timestamptz) RETURNS bigint
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE purged bigint;
      BEGIN
        IF cutoff > now() - interval '12 months' THEN
          RAISE EXCEPTION 'access_log entries are kept at least 12 months (cutoff %)', cutoff;
        END IF;
        PERFORM set_config('caseworks.access_log_purge_before', cutoff::text, true);
        DELETE FROM access_log WHERE occurred_at < cutoff;
        GET DIAGNOSTICS purged = ROW_COUNT;
        PERFORM set_config('caseworks.access_log_purge_before', '', true);
        RETURN purged;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION purge_access_log(timestamptz)`);
    await q.query(`DROP TABLE access_log`);
    await q.query(`DROP FUNCTION access_log_append_only`);
  }
}
