import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One row per case opened with an Idempotency-Key (case ID derived from caller and key): the hash
 * of the request that opened it, so a reused key is refused for every case kind alike, also after
 * the case's workflow has closed. Tickets already kept that hash in their read model: copied over.
 */
export class IdempotencyRequests1764960000000 implements MigrationInterface {
  name = 'IdempotencyRequests1764960000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE idempotency_requests (
        case_id text PRIMARY KEY,
        request_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`INSERT INTO idempotency_requests (case_id, request_hash) SELECT id, request_hash FROM tickets ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_requests`);
  }
}
