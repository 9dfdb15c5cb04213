import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A takedown case's history is evidence (who acted, when), as a ticket's is: the database itself
 * refuses edits and deletes of takedown_events, as it does for ticket_events. Events are only
 * ever inserted (INSERT … ON CONFLICT DO NOTHING), so nothing that writes them is affected.
 */
export class TakedownEventsAppendOnly1764900000000 implements MigrationInterface {
  name = 'TakedownEventsAppendOnly1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION takedown_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'takedown_events is append-only'; END $$`);
    await q.query(`
      CREATE TRIGGER takedown_events_no_update BEFORE UPDATE OR DELETE ON takedown_events
      FOR EACH ROW EXECUTE FUNCTION takedown_events_append_only()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER takedown_events_no_update ON takedown_events`);
    await q.query(`DROP FUNCTION takedown_events_append_only`);
  }
}
