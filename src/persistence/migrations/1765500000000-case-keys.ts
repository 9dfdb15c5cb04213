import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Crypto-shredding (privacy erasure): one data key per case, the erasure receipts, and the one
 * way erasure may rewrite the append-only history of tickets and takedowns.
 *
 * case_keys: a case's (workflow ID's) AES-256 data key, wrapped under a key derived from
 * PAYLOAD_ENCRYPTION_KEY; `subject_hash` is the HMAC of the customer reference the case is about
 * (never the reference). Erasure sets wrapped_key to NULL and destroyed_at: the row stays, so the
 * case can never be given a fresh key that would make new payloads readable again.
 *
 * erasures: one receipt per erasure — whose (subject_hash), when, by whom, counts — no data.
 *
 * The append-only triggers (1764000000000, 1764900000000, then 1765400000000 for the retention
 * purge's DELETE) now also let an UPDATE through when the transaction-local setting
 * `caseworks.erasure` is on and only the personal columns (data, actor) change; the erasure
 * service sets it inside its transaction only. The purge's DELETE door is kept as it was.
 */
export class CaseKeys1765500000000 implements MigrationInterface {
  name = 'CaseKeys1765500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE case_keys (
        case_id text PRIMARY KEY,
        subject_hash text,
        wrapped_key bytea,
        created_at timestamptz NOT NULL DEFAULT now(),
        destroyed_at timestamptz,
        CHECK ((wrapped_key IS NULL) = (destroyed_at IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX case_keys_subject ON case_keys (subject_hash) WHERE subject_hash IS NOT NULL`);
    await q.query(`
      CREATE TABLE erasures (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_hash text NOT NULL,
        erased_at timestamptz NOT NULL DEFAULT now(),
        erased_by text NOT NULL,
        erased_by_role text NOT NULL,
        case_ids text[] NOT NULL,
        cases_by_kind jsonb NOT NULL,
        keys_destroyed integer NOT NULL,
        cases_terminated integer NOT NULL,
        histories_deleted integer NOT NULL,
        rows_scrubbed integer NOT NULL
      )`);
    await q.query(`CREATE INDEX erasures_subject ON erasures (subject_hash, erased_at DESC)`);
    for (const table of ['ticket_events', 'takedown_events']) {
      const caseColumn = table === 'ticket_events' ? 'ticket_id' : 'case_id';
      await q.query(`
        CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND current_setting('caseworks.retention_purge', true) = 'on' THEN RETURN OLD; END IF;
          IF TG_OP = 'UPDATE' AND current_setting('caseworks.erasure', true) = 'on'
             AND NEW.id = OLD.id AND NEW.event_key = OLD.event_key AND NEW.${caseColumn} = OLD.${caseColumn}
             AND NEW.type = OLD.type AND NEW.occurred_at = OLD.occurred_at AND NEW.seq IS NOT DISTINCT FROM OLD.seq THEN
            RETURN NEW;
          END IF;
          RAISE EXCEPTION '${table} is append-only';
        END $$`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['ticket_events', 'takedown_events']) {
      await q.query(`
        CREATE OR REPLACE FUNCTION ${table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' AND current_setting('caseworks.retention_purge', true) = 'on' THEN RETURN OLD; END IF;
          RAISE EXCEPTION '${table} is append-only';
        END $$`);
    }
    await q.query(`DROP TABLE erasures`);
    await q.query(`DROP TABLE case_keys`);
  }
}
