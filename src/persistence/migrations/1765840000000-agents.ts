import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Agents as data (issue 14 §1): who may work tickets, of which brand and tier, under which team
 * lead, and how far they are — onboarding, mentored, certified, suspended. An agent's ID is the
 * handle tickets are assigned to and their actions are recorded under (`ann`). Every status change
 * is kept in `agent_status_changes` (who, when, why), append-only like the case events.
 */
export class Agents1765840000000 implements MigrationInterface {
  name = 'Agents1765840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE agents (
        id text PRIMARY KEY,
        brand text NOT NULL,
        tier text NOT NULL CHECK (tier IN ('L1', 'L2', 'L3', 'CS')),
        team_lead text,
        status text NOT NULL DEFAULT 'onboarding' CHECK (status IN ('onboarding', 'mentored', 'certified', 'suspended')),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX agents_brand_status ON agents (brand, status)`);
    await q.query(`
      CREATE TABLE agent_status_changes (
        id bigserial PRIMARY KEY,
        agent_id text NOT NULL REFERENCES agents (id),
        status_from text,
        status_to text NOT NULL,
        reason text NOT NULL,
        changed_by text NOT NULL,
        changed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX agent_status_changes_agent ON agent_status_changes (agent_id, id)`);
    await q.query(`
      CREATE FUNCTION agent_status_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'agent_status_changes is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER agent_status_changes_append_only BEFORE UPDATE OR DELETE ON agent_status_changes
        FOR EACH ROW EXECUTE FUNCTION agent_status_changes_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE agent_status_changes`);
    await q.query(`DROP FUNCTION agent_status_changes_append_only()`);
    await q.query(`DROP TABLE agents`);
  }
}
