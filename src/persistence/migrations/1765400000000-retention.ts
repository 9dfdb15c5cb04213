import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention: what each purge run deleted, per case kind (`retention_purges`, read by
 * GET /v1/reports/retention), and the one way past the append-only history of tickets and
 * takedowns (migrations 1764000000000, 1764900000000).
 *
 * The append-only triggers now let a DELETE (never an UPDATE) through when the transaction-local
 * setting `caseworks.retention_purge` is on, and only `retention_purge_case_events()` turns it on:
 * it refuses unless the case's snapshot row is already gone in the same transaction (a live case's
 * history can never be stripped), deletes, and turns the setting off again before returning. The
 * setting is local to the transaction, so it cannot leak into a pooled connection. Why this is as
 * safe as before: the triggers guard against mistakes by application code, not against the table's
 * owner (who could drop a trigger); ordinary writers still cannot edit or delete an event, and the
 * purge's one door is a named function anyone can find with grep.
 */
export class Retention1765400000000 implements MigrationInterface {
  name = 'Retention1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_purges (
        run_id text NOT NULL,
        kind text NOT NULL,
        as_of timestamptz NOT NULL,
        cases integer NOT NULL DEFAULT 0,
        events integer NOT NULL DEFAULT 0,
        executions integer NOT NULL DEFAULT 0,
        kept_held integer NOT NULL DEFAULT 0,
        kept_running integer NOT NULL DEFAULT 0,
        started_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        finished_at timestamptz,
        PRIMARY KEY (run_id, kind)
      )`);
    await q.query(`CREATE INDEX retention_purges_started ON retention_purges (started_at DESC)`);
    for (const table of ['ticket_events', 'takedown_events']) {
      await q.query(`
        CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND current_setting('caseworks.retention_purge', true) = 'on' THEN RETURN OLD; END IF;
          RAISE EXCEPTION '${table} is append-only';
        END $$`);
    }
    await q.query(`
      CREATE FUNCTION retention_purge_case_events(case_kind text, case_ids text[]) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE deleted integer;
      BEGIN
        IF case_kind = 'ticket' THEN
          IF EXISTS (SELECT 1 FROM tickets WHERE id = ANY(case_ids)) THEN RAISE EXCEPTION 'retention purge: a ticket still exists'; END IF;
          PERFORM set_config('caseworks.retention_purge', 'on', true);
          DELETE FROM ticket_events WHERE ticket_id = ANY(case_ids);
        ELSIF case_kind = 'incident' THEN
          IF EXISTS (SELECT 1 FROM incidents WHERE id = ANY(case_ids)) THEN RAISE EXCEPTION 'retention purge: an incident still exists'; END IF;
          DELETE FROM incident_events WHERE incident_id = ANY(case_ids);
        ELSIF case_kind = 'billing' THEN
          IF EXISTS (SELECT 1 FROM billing_cases WHERE id = ANY(case_ids)) THEN RAISE EXCEPTION 'retention purge: a billing case still exists'; END IF;
          DELETE FROM billing_case_events WHERE case_id = ANY(case_ids);
        ELSIF case_kind = 'takedown' THEN
          IF EXISTS (SELECT 1 FROM takedowns WHERE id = ANY(case_ids)) THEN RAISE EXCEPTION 'retention purge: a takedown still exists'; END IF;
          PERFORM set_config('caseworks.retention_purge', 'on', true);
          DELETE FROM takedown_events WHERE case_id = ANY(case_ids);
        ELSE
          RAISE EXCEPTION 'retention purge: unknown case kind %', case_kind;
        END IF;
        GET DIAGNOSTICS deleted = ROW_COUNT;
        PERFORM set_config('caseworks.retention_purge', 'off', true);
        RETURN deleted;
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION retention_purge_case_events(text, text[])`);
    for (const table of ['ticket_events', 'takedown_events']) {
      await q.query(`
        CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '${table} is append-only'; END $$`);
    }
    await q.query(`DROP TABLE retention_purges`);
  }
}
