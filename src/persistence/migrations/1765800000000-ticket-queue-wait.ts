import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The chat queue-wait SLA (001: "sub-2-minute wait for live chat"), counted like the other ticket
 * metrics (1765700000000-report-columns.ts): settled queue-wait clocks per ticket, met and
 * breached, filled by the read-model writer with every snapshot (ticket-sla-counts.ts). No
 * backfill: no ticket written before this migration has a queue-wait clock, and the reports read
 * a column never written as none.
 */
export class TicketQueueWait1765800000000 implements MigrationInterface {
  name = 'TicketQueueWait1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets ADD COLUMN sla_queue_wait_met integer, ADD COLUMN sla_queue_wait_breached integer`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tickets DROP COLUMN sla_queue_wait_met, DROP COLUMN sla_queue_wait_breached`);
  }
}
