import { MigrationInterface, QueryRunner } from 'typeorm';

/** Billing cases (refunds, disputes, dunning): read model, history, CRM updates, webhook dedup, the dev sandbox ledger. */
export class Billing1764500000000 implements MigrationInterface {
  name = 'Billing1764500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE billing_cases (
        id text PRIMARY KEY,
        kind text NOT NULL,
        brand text NOT NULL,
        state text NOT NULL,
        customer_ref text NOT NULL,
        snapshot jsonb NOT NULL,
        opened_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`
      CREATE TABLE billing_case_events (
        id bigserial PRIMARY KEY,
        event_key text NOT NULL UNIQUE,
        case_id text NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX billing_case_events_case ON billing_case_events (case_id, id)`);
    await q.query(`
      CREATE TABLE crm_updates (
        key text PRIMARY KEY,
        case_id text NOT NULL,
        customer_ref text NOT NULL,
        event text NOT NULL,
        data jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        delivery_status integer
      )`);
    // Gateway webhooks are delivered at least once: each event ID is acted on once.
    await q.query(`
      CREATE TABLE billing_webhook_events (
        event_id text PRIMARY KEY,
        type text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE sandbox_ledger (
        id text PRIMARY KEY,
        kind text NOT NULL,
        charge_id text,
        amount_minor bigint NOT NULL,
        currency text NOT NULL,
        status text NOT NULL,
        idempotency_key text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sandbox_ledger, billing_webhook_events, crm_updates, billing_case_events, billing_cases`);
  }
}
