import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The built-in CRM (issue 16): when no CRM is configured, customers' entitlements come from this
 * table (seeded by `make dev`), so intake checks a plan against a record either way. It holds CRM
 * references, plans and company names, never a person's name or address. Tickets keep how their
 * plan was established (verified, corrected, unconfirmed, unverified) in clear for lists.
 */
export class Customers1765860000000 implements MigrationInterface {
  name = 'Customers1765860000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customers (
        customer_ref text PRIMARY KEY,
        brand text NOT NULL,
        plan text,
        tier text,
        region text,
        contract text,
        enterprise boolean NOT NULL DEFAULT false,
        company text,
        csm_owner_id text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Cases mirrored into an outside CRM: which CRM record is whose, and which version it shows.
    await q.query(`
      CREATE TABLE crm_links (
        case_id text PRIMARY KEY,
        kind text NOT NULL,
        crm_id text NOT NULL,
        synced_version bigint,
        synced_updated_at timestamptz NOT NULL,
        synced_at timestamptz NOT NULL,
        last_error text,
        -- The CRM was changed in a way the case refused: its copy is put right by the next sync.
        needs_push boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE UNIQUE INDEX crm_links_crm_id ON crm_links (crm_id)`);
    await q.query(`CREATE TABLE crm_sync_state (name text PRIMARY KEY, since timestamptz, ran_at timestamptz NOT NULL)`);
    // Changes the CRM sent (its webhooks), once per event ID, with what became of each.
    await q.query(`
      CREATE TABLE crm_webhook_events (
        event_id text PRIMARY KEY,
        subscription_type text NOT NULL,
        object_id text NOT NULL,
        property_name text,
        case_id text,
        outcome text NOT NULL,
        detail text,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const table of ['tickets', 'billing_cases', 'incidents']) await q.query(`CREATE INDEX IF NOT EXISTS ${table}_updated_at ON ${table} (updated_at, id)`);
    // Churn and expansion signals raised for Customer Success: once per rule, customer and window (the key).
    await q.query(`
      CREATE TABLE customer_signals (
        key text PRIMARY KEY,
        brand text NOT NULL,
        rule_id text NOT NULL,
        customer_ref text NOT NULL,
        label text NOT NULL,
        evidence text[] NOT NULL,
        why text[] NOT NULL,
        raised_at timestamptz NOT NULL DEFAULT now(),
        task_due_at timestamptz NOT NULL,
        crm_task_id text,
        delivered_at timestamptz,
        last_error text
      )`);
    await q.query(`CREATE INDEX customer_signals_undelivered ON customer_signals (raised_at) WHERE delivered_at IS NULL`);
    await q.query(`ALTER TABLE tickets ADD COLUMN entitlement text`);
    await q.query(`CREATE INDEX tickets_entitlement ON tickets (entitlement) WHERE entitlement = 'unverified'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX tickets_entitlement`);
    await q.query(`ALTER TABLE tickets DROP COLUMN entitlement`);
    for (const table of ['tickets', 'billing_cases', 'incidents']) await q.query(`DROP INDEX IF EXISTS ${table}_updated_at`);
    await q.query(`DROP TABLE customer_signals`);
    await q.query(`DROP TABLE crm_webhook_events`);
    await q.query(`DROP TABLE crm_sync_state`);
    await q.query(`DROP TABLE crm_links`);
    await q.query(`DROP TABLE customers`);
  }
}
