import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the legal desk (src/api/desk/) needs of the database:
 * - `takedowns.next_deadline_at`: the case's next statutory deadline in a clear column, so the
 *   queue is one indexed query sorted by it, whatever the number of cases (it was a page of each
 *   open state sorted in memory, which missed the most urgent case once a state held more than a page);
 * - `desk_sign_outs`: sessions signed out before their time. A desk session is a sealed cookie
 *   (no server row), so sign-out records the session's fingerprint until the session would have
 *   expired anyway; a copy of the cookie taken before sign-out is refused from then on.
 */
export class LegalDesk1765830000000 implements MigrationInterface {
  name = 'LegalDesk1765830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE takedowns ADD COLUMN next_deadline_at timestamptz`);
    // Rows written before the column: the snapshot's instant, which the read model keeps in clear.
    await q.query(`
      UPDATE takedowns SET next_deadline_at = (snapshot->>'nextDeadlineAt')::timestamptz
       WHERE snapshot->>'nextDeadlineAt' ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T'`);
    await q.query(`CREATE INDEX takedowns_next_deadline ON takedowns (state, next_deadline_at, received_at)`);
    await q.query(`
      CREATE TABLE desk_sign_outs (
        session_hash text PRIMARY KEY,
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX desk_sign_outs_expires ON desk_sign_outs (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE desk_sign_outs`);
    await q.query(`DROP INDEX takedowns_next_deadline`);
    await q.query(`ALTER TABLE takedowns DROP COLUMN next_deadline_at`);
  }
}
