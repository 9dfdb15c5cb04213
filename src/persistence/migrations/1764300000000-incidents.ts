import { MigrationInterface, QueryRunner } from 'typeorm';

/** Incidents: read model and append-only history, pages sent, on-call rotations, escalation policies. */
export class Incidents1764300000000 implements MigrationInterface {
  name = 'Incidents1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE incidents (
        id text PRIMARY KEY,
        brand text NOT NULL,
        priority text NOT NULL,
        status text NOT NULL,
        source text NOT NULL,
        fingerprint text,
        alert_count integer NOT NULL DEFAULT 0,
        opened_at timestamptz NOT NULL,
        acknowledged_at timestamptz,
        mitigated_at timestamptz,
        resolved_at timestamptz,
        closed_at timestamptz,
        sla_breached boolean NOT NULL DEFAULT false,
        snapshot jsonb NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX incidents_opened_at_id ON incidents (opened_at DESC, id DESC)`);
    await q.query(`CREATE INDEX incidents_fingerprint ON incidents (fingerprint)`);
    await q.query(`
      CREATE TABLE incident_events (
        id bigserial PRIMARY KEY,
        event_key text NOT NULL UNIQUE,
        incident_id text NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX incident_events_incident ON incident_events (incident_id, id)`);
    await q.query(`
      CREATE TABLE pages (
        dedup_key text PRIMARY KEY,
        incident_id text NOT NULL,
        step integer NOT NULL,
        targets jsonb NOT NULL,
        paged jsonb NOT NULL,
        pager text NOT NULL,
        response jsonb NOT NULL,
        attempts integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_at timestamptz,
        resolved_at timestamptz
      )`);
    await q.query(`CREATE INDEX pages_incident ON pages (incident_id)`);
    await q.query(`
      CREATE TABLE oncall_rotations (
        name text PRIMARY KEY,
        participants jsonb NOT NULL,
        starts_at timestamptz NOT NULL,
        shift_ms bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE escalation_policies (
        id text PRIMARY KEY,
        brand text NOT NULL,
        priorities text[] NOT NULL,
        levels jsonb NOT NULL,
        loops integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX escalation_policies_brand ON escalation_policies (brand)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE escalation_policies, oncall_rotations, pages, incident_events, incidents`);
  }
}
