import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Onboarding cases (issue 14 §2): one row per agent's onboarding (the workflow's last snapshot,
 * sealed, with the phase, next deadline and overdue flag in clear for lists) and its keyed,
 * append-only events. Status changes the workflow makes in the agents registry carry a key, so a
 * retried activity records each once, and what it certified an agent for is kept. Trainers get
 * their own API key role.
 */
export class Onboarding1765850000000 implements MigrationInterface {
  name = 'Onboarding1765850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE onboardings (
        id text PRIMARY KEY,
        agent_id text NOT NULL,
        brand text NOT NULL,
        phase text NOT NULL,
        next_deadline_at timestamptz,
        overdue boolean NOT NULL DEFAULT false,
        started_at timestamptz NOT NULL,
        certified_at timestamptz,
        snapshot jsonb NOT NULL,
        version bigint,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX onboardings_brand_phase ON onboardings (brand, phase, next_deadline_at)`);
    await q.query(`
      CREATE TABLE onboarding_events (
        id bigserial PRIMARY KEY,
        event_key text NOT NULL UNIQUE,
        case_id text NOT NULL,
        type text NOT NULL,
        actor text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        seq bigint
      )`);
    await q.query(`CREATE INDEX onboarding_events_case ON onboarding_events (case_id, id)`);
    await q.query(`ALTER TABLE agent_status_changes ADD COLUMN change_key text UNIQUE`);
    // What an onboarding case certified the agent for (its curriculum's modules); NULL: certified by hand.
    await q.query(`ALTER TABLE agents ADD COLUMN competencies text[]`);
    // Mentored mode: a mentor lists every ticket of the agents they mentor.
    await q.query(`ALTER TABLE tickets ADD COLUMN mentor text`);
    await q.query(`CREATE INDEX tickets_mentor ON tickets (mentor, opened_at) WHERE mentor IS NOT NULL`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('client','agent','sre','legal','admin','billing','privacy','trainer'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM api_keys WHERE role = 'trainer'`);
    await q.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_role_check`);
    await q.query(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_role_check CHECK (role IN ('client','agent','sre','legal','admin','billing','privacy'))`);
    await q.query(`DROP TABLE onboarding_events`);
    await q.query(`DROP TABLE onboardings`);
    // agent_status_changes is append-only: its trigger refuses an UPDATE, not a dropped column.
    await q.query(`ALTER TABLE agent_status_changes DROP COLUMN change_key`);
    await q.query(`ALTER TABLE agents DROP COLUMN competencies`);
    await q.query(`ALTER TABLE tickets DROP COLUMN mentor`);
  }
}
