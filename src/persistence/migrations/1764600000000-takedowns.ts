import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Takedown requests: the read model (snapshot without contact details; the notice as submitted,
 * kept apart), the append-only history, the content platform's actions (one row per item and
 * action key) and the messages to uploaders and notifiers.
 */
export class Takedowns1764600000000 implements MigrationInterface {
  name = 'Takedowns1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE takedowns (
        id text PRIMARY KEY,
        brand text NOT NULL,
        state text NOT NULL,
        regimes text[] NOT NULL,
        legal_basis text NOT NULL,
        tier text NOT NULL,
        channel text NOT NULL,
        reviewer text,
        received_at timestamptz NOT NULL,
        decision_due_at timestamptz,
        decided_at timestamptz,
        outcome text,
        sla_breached boolean NOT NULL DEFAULT false,
        notice jsonb,
        snapshot jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX takedowns_received_at ON takedowns (received_at)`);
    await q.query(`CREATE INDEX takedowns_queue ON takedowns (state, decision_due_at)`);
    await q.query(`
      CREATE TABLE takedown_events (
        id bigserial PRIMARY KEY,
        event_key text NOT NULL UNIQUE,
        case_id text NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX takedown_events_case ON takedown_events (case_id, occurred_at, id)`);
    await q.query(`
      CREATE TABLE content_actions (
        action_key text PRIMARY KEY,
        case_id text NOT NULL,
        action text NOT NULL,
        item jsonb NOT NULL,
        countries text[],
        platform text,
        status text,
        reference text,
        attempts integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        applied_at timestamptz
      )`);
    await q.query(`CREATE INDEX content_actions_case ON content_actions (case_id)`);
    await q.query(`
      CREATE TABLE takedown_communications (
        key text PRIMARY KEY,
        case_id text NOT NULL,
        recipient text NOT NULL,
        kind text NOT NULL,
        body jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 1,
        sent_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX takedown_communications_case ON takedown_communications (case_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE takedown_communications, content_actions, takedown_events, takedowns`);
  }
}
