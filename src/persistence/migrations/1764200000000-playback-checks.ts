import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Playback troubleshooting results attached to tickets, with the evidence each verdict was drawn
 * from (the document asks for device/session metadata to be kept for root-cause analysis).
 */
export class PlaybackChecks1764200000000 implements MigrationInterface {
  name = 'PlaybackChecks1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ticket_checks (
        ticket_id text NOT NULL,
        "check" text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('pass', 'fail', 'unavailable')),
        findings jsonb NOT NULL,
        advice jsonb NOT NULL,
        evidence jsonb,
        checked_at timestamptz NOT NULL,
        PRIMARY KEY (ticket_id, "check")
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ticket_checks`);
  }
}
