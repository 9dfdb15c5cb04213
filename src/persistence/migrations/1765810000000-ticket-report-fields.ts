import { MigrationInterface, QueryRunner } from 'typeorm';

/** A snapshot string that is readable vocabulary, not a sealed value (`sealed:v1:…`, read-model-sealer.ts). */
const clear = (path: string) => `jsonb_typeof(${path}) = 'string' AND ${path} #>> '{}' NOT LIKE 'sealed:%'`;

/**
 * How a row written before these columns gets them, from its snapshot (an UPDATE without WHERE:
 * the migration fills every row; a test fills its own rows by appending one). Only what the
 * snapshot holds in clear: the category (vocabulary, kept in clear by personal-data.ts) and
 * receivedAt (an instant). A ticket whose view had no category read as 'general', and one whose
 * view had no receivedAt started its clocks when it opened: the same values here. NPS, root-cause
 * tags and handle time did not exist before: they stay NULL / empty / 0.
 */
export const TICKET_REPORT_FIELD_BACKFILL = `
  UPDATE tickets SET
    category = CASE
      WHEN ${clear("snapshot -> 'category'")} AND snapshot ->> 'category' ~ '^[a-z_]{1,64}$' THEN snapshot ->> 'category'
      WHEN jsonb_typeof(snapshot) = 'object' AND NOT snapshot ? 'category' THEN 'general'
    END,
    received_at = CASE
      WHEN ${clear("snapshot -> 'receivedAt'")} AND snapshot ->> 'receivedAt' ~ '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2})$'
        THEN (snapshot ->> 'receivedAt')::timestamptz
      WHEN jsonb_typeof(snapshot) = 'object' AND NOT snapshot ? 'receivedAt' THEN opened_at
    END`;

/**
 * The ticket data the cadence reports (issue 19 §2) group and count by, in columns, since
 * snapshots are sealed:
 * - category: what the ticket is about (weekly top categories; 000's billing volume);
 * - received_at: when the customer's message arrived (daily average wait);
 * - nps_score: the 0–10 "how likely to recommend" answer given with CSAT (001 "NPS ≥ +35");
 * - root_cause_tags, preventable: the pack's root-cause vocabulary an agent tagged the ticket with,
 *   and whether any of them is preventable (001 "preventable tickets reduced by 15 % per quarter");
 * - handle_seconds: the agents' working time logged on the ticket's steps (AHT; 000 "6–10 min
 *   technical", 001 "4–6 minutes").
 * The ticket's workflow fills them with every snapshot (src/persistence/read-model/ticket-records.ts).
 */
export class TicketReportFields1765810000000 implements MigrationInterface {
  name = 'TicketReportFields1765810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        ADD COLUMN category text NULL,
        ADD COLUMN received_at timestamptz NULL,
        ADD COLUMN nps_score smallint NULL CONSTRAINT tickets_nps_score_range CHECK (nps_score BETWEEN 0 AND 10),
        ADD COLUMN root_cause_tags text[] NOT NULL DEFAULT '{}',
        ADD COLUMN preventable boolean NULL,
        ADD COLUMN handle_seconds integer NOT NULL DEFAULT 0 CONSTRAINT tickets_handle_seconds_nonnegative CHECK (handle_seconds >= 0)`);
    await q.query(TICKET_REPORT_FIELD_BACKFILL);
    await q.query(`CREATE INDEX tickets_brand_received_at_idx ON tickets (brand, received_at)`);
    await q.query(`CREATE INDEX tickets_brand_category_received_at_idx ON tickets (brand, category, received_at)`);
    await q.query(`CREATE INDEX tickets_brand_resolved_at_idx ON tickets (brand, resolved_at)`);
    await q.query(`CREATE INDEX tickets_root_cause_tags_idx ON tickets USING gin (root_cause_tags)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS tickets_root_cause_tags_idx`);
    await q.query(`DROP INDEX IF EXISTS tickets_brand_resolved_at_idx`);
    await q.query(`DROP INDEX IF EXISTS tickets_brand_category_received_at_idx`);
    await q.query(`DROP INDEX IF EXISTS tickets_brand_received_at_idx`);
    await q.query(`
      ALTER TABLE tickets
        DROP COLUMN handle_seconds,
        DROP COLUMN preventable,
        DROP COLUMN root_cause_tags,
        DROP COLUMN nps_score,
        DROP COLUMN received_at,
        DROP COLUMN category`);
  }
}
