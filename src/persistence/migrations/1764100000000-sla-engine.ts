import { MigrationInterface, QueryRunner } from 'typeorm';

/** The full SLA engine: ticket columns for lists and reports, notifications, SLA credits. */
export class SlaEngine1764100000000 implements MigrationInterface {
  name = 'SlaEngine1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE tickets
        ADD COLUMN plan text,
        ADD COLUMN assignee text,
        ADD COLUMN customer_ref text,
        ADD COLUMN at_risk boolean NOT NULL DEFAULT false,
        ADD COLUMN next_deadline_at timestamptz,
        ADD COLUMN closed_at timestamptz,
        ADD COLUMN agent_replies integer NOT NULL DEFAULT 0,
        ADD COLUMN reopen_count integer NOT NULL DEFAULT 0,
        ADD COLUMN first_contact_resolution boolean,
        ADD COLUMN csat_score smallint,
        ALTER COLUMN first_response_due_at DROP NOT NULL`);
    await q.query(`CREATE INDEX tickets_assignee ON tickets (assignee)`);
    await q.query(`CREATE INDEX tickets_at_risk ON tickets (at_risk) WHERE at_risk`);
    // Cursor pagination walks (opened_at, id).
    await q.query(`CREATE INDEX tickets_opened_at_id ON tickets (opened_at DESC, id DESC)`);
    await q.query(`CREATE INDEX ticket_events_type_occurred ON ticket_events (type, occurred_at)`);
    await q.query(`
      CREATE TABLE notifications (
        key text PRIMARY KEY,
        kind text NOT NULL,
        ticket_id text NOT NULL,
        level text NOT NULL,
        recipient text,
        summary text NOT NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        delivery_status integer
      )`);
    await q.query(`CREATE INDEX notifications_ticket ON notifications (ticket_id)`);
    await q.query(`
      CREATE TABLE sla_credits (
        key text PRIMARY KEY,
        ticket_id text NOT NULL,
        brand text NOT NULL,
        customer_ref text NOT NULL,
        plan text NOT NULL,
        priority text NOT NULL,
        metric text NOT NULL,
        percent numeric NOT NULL,
        amount_minor bigint NOT NULL,
        owed_minor bigint NOT NULL,
        currency text NOT NULL,
        rule text NOT NULL,
        breached_at timestamptz NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        settled_at timestamptz,
        settlement_ref text
      )`);
    await q.query(`CREATE INDEX sla_credits_customer_month ON sla_credits (brand, customer_ref, breached_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sla_credits`);
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP INDEX ticket_events_type_occurred`);
    await q.query(`DROP INDEX tickets_opened_at_id`);
    await q.query(`DROP INDEX tickets_at_risk`);
    await q.query(`DROP INDEX tickets_assignee`);
    await q.query(`
      ALTER TABLE tickets
        DROP COLUMN plan, DROP COLUMN assignee, DROP COLUMN customer_ref, DROP COLUMN at_risk, DROP COLUMN next_deadline_at,
        DROP COLUMN closed_at, DROP COLUMN agent_replies, DROP COLUMN reopen_count,
        DROP COLUMN first_contact_resolution, DROP COLUMN csat_score`);
  }
}
