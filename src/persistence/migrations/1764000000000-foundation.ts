import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE EXTENSION IF NOT EXISTS pgcrypto`);
    await q.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('client','agent','sre','legal','admin')),
        key_hash text NOT NULL,
        key_prefix text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX api_keys_key_hash ON api_keys (key_hash)`);
    await q.query(`
      CREATE TABLE tickets (
        id text PRIMARY KEY,
        brand text NOT NULL,
        channel text NOT NULL,
        priority text NOT NULL,
        status text NOT NULL,
        policy_version text NOT NULL,
        opened_at timestamptz NOT NULL,
        first_response_due_at timestamptz NOT NULL,
        first_response_at timestamptz,
        sla_breached boolean NOT NULL DEFAULT false,
        resolved_at timestamptz,
        snapshot jsonb NOT NULL,
        request_hash text NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX tickets_brand ON tickets (brand)`);
    await q.query(`CREATE INDEX tickets_priority ON tickets (priority)`);
    await q.query(`CREATE INDEX tickets_status ON tickets (status)`);
    await q.query(`CREATE INDEX tickets_sla_breached ON tickets (sla_breached)`);
    await q.query(`
      CREATE TABLE ticket_events (
        id bigserial PRIMARY KEY,
        event_key text NOT NULL,
        ticket_id text NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX ticket_events_event_key ON ticket_events (event_key)`);
    await q.query(`CREATE INDEX ticket_events_ticket_id ON ticket_events (ticket_id)`);
    // Append-only: the history is evidence, so the database itself refuses edits and deletes.
    await q.query(`
      CREATE FUNCTION ticket_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'ticket_events is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER ticket_events_no_update BEFORE UPDATE OR DELETE ON ticket_events
      FOR EACH ROW EXECUTE FUNCTION ticket_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ticket_events`);
    await q.query(`DROP FUNCTION ticket_events_append_only`);
    await q.query(`DROP TABLE tickets`);
    await q.query(`DROP TABLE api_keys`);
  }
}
