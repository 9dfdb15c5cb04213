import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read-model sealing of SLA credits: `customer_ref` now holds the customer's pseudonym (so the
 * monthly cap and the API's filter still match a customer's credits), and the reference the
 * gateway pays — settlement needs the real one — is kept sealed under the ticket's key in
 * `customer_ref_sealed`. NULL in rows written before: their `customer_ref` is the reference itself.
 */
export class SlaCreditSealedRef1765600000000 implements MigrationInterface {
  name = 'SlaCreditSealedRef1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sla_credits ADD COLUMN customer_ref_sealed text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sla_credits DROP COLUMN customer_ref_sealed`);
  }
}
